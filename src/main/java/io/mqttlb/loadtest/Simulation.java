package io.mqttlb.loadtest;

import io.mqttlb.config.CaFile;
import io.mqttlb.config.ConfigException;
import io.mqttlb.loadtest.soak.LeakAssertion;
import io.mqttlb.loadtest.soak.TierOperation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a load test runs: scenarios (all start together), the targets users are spread over
 * round-robin, the retained marker topic that tells which broker a client reached (null: no
 * stickiness measurement), the assertions checked at the end, and for soaks the tier operations run
 * on time through the admin API and the assertions on the nodes' resources. Immutable.
 *
 * <pre>
 *   Simulation.simulation("reconnect-storm")
 *       .targets("127.0.0.1:1883", "127.0.0.1:1884")
 *       .scenarios(devices)
 *       .assertions(Assertion.metric(RunMetric.STICKINESS_PERCENT).gte(99.9))
 * </pre>
 */
public final class Simulation {
  public static final String DEFAULT_MARKER_TOPIC = "mqttlb/broker";

  private final String name;
  private final String description;
  private final List<String> targets;
  private final String markerTopic;
  private final List<Scenario> scenarios;
  private final List<Assertion> assertions;
  private final String caFile;
  private final List<TierOperation> operations;
  private final List<LeakAssertion> leakAssertions;

  private Simulation(String name, String description, List<String> targets, String markerTopic,
      List<Scenario> scenarios, List<Assertion> assertions, String caFile, List<TierOperation> operations,
      List<LeakAssertion> leakAssertions) {
    this.operations = List.copyOf(operations);
    this.leakAssertions = List.copyOf(leakAssertions);
    this.name = name;
    this.description = description;
    this.targets = List.copyOf(targets);
    this.markerTopic = markerTopic;
    this.scenarios = List.copyOf(scenarios);
    this.assertions = List.copyOf(assertions);
    this.caFile = caFile;
  }

  public static Simulation simulation(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("simulation name must not be empty");
    }
    return new Simulation(name, "", List.of(), DEFAULT_MARKER_TOPIC, List.of(), List.of(), null, List.of(), List.of());
  }

  /**
   * Reads the YAML format of {@code loadtest/*.yaml} (see docs/load-testing.md).
   *
   * @throws ConfigException naming the file, the key (e.g. {@code scenarios[0].steps[2].publish.qos}) and the problem
   */
  public static Simulation fromYaml(Path file) throws ConfigException {
    return SimulationYaml.read(file);
  }

  /**
   * Instantiates a {@link SimulationDefinition} by its fully qualified class name.
   *
   * @throws IllegalArgumentException when the class is missing, is no definition or cannot be built
   */
  public static Simulation fromClass(String className) {
    try {
      Class<?> type = Class.forName(className);
      if (!SimulationDefinition.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(className + " does not implement " + SimulationDefinition.class.getName());
      }
      return ((SimulationDefinition) type.getDeclaredConstructor().newInstance()).define();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot load simulation class " + className + ": " + e, e);
    }
  }

  public Simulation description(String text) {
    return new Simulation(name, Objects.requireNonNullElse(text, ""), targets, markerTopic, scenarios, assertions, caFile,
        operations, leakAssertions);
  }

  /**
   * {@code host:port} each, or {@code mqtts://host:port}, {@code ws://host:port/path},
   * {@code wss://host:port/path} (see {@link Target}).
   */
  public Simulation targets(String... hostPorts) {
    return targets(List.of(hostPorts));
  }

  public Simulation targets(List<String> hostPorts) {
    for (String target : hostPorts) {
      Target.parse(target);
    }
    return new Simulation(name, description, hostPorts, markerTopic, scenarios, assertions, caFile, operations, leakAssertions);
  }

  /**
   * The CA certificates (a PEM file; a relative path is read from the working directory) that TLS
   * targets' certificates must chain to; null for the JVM's default authorities.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  public Simulation caFile(String path) {
    if (path != null) {
      CaFile.problem(path).ifPresent(problem -> {
        throw new IllegalArgumentException("caFile " + problem);
      });
    }
    return new Simulation(name, description, targets, markerTopic, scenarios, assertions, path, operations, leakAssertions);
  }

  /** null: the run does not measure stickiness nor the spread over brokers. */
  public Simulation markerTopic(String topic) {
    if (topic != null && topic.isEmpty()) {
      throw new IllegalArgumentException("markerTopic must not be empty (write null for no marker)");
    }
    return new Simulation(name, description, targets, topic, scenarios, assertions, caFile, operations, leakAssertions);
  }

  public Simulation scenarios(Scenario... more) {
    List<Scenario> all = new ArrayList<>(scenarios);
    all.addAll(List.of(more));
    return new Simulation(name, description, targets, markerTopic, all, assertions, caFile, operations, leakAssertions);
  }

  public Simulation assertions(Assertion... more) {
    List<Assertion> all = new ArrayList<>(assertions);
    all.addAll(List.of(more));
    return new Simulation(name, description, targets, markerTopic, scenarios, all, caFile, operations, leakAssertions);
  }

  /** Tier operations run through the admin API while the users run (e.g. a drain at 60 s). */
  public Simulation operations(TierOperation... more) {
    List<TierOperation> all = new ArrayList<>(operations);
    all.addAll(List.of(more));
    return new Simulation(name, description, targets, markerTopic, scenarios, assertions, caFile, all, leakAssertions);
  }

  /** Assertions on the nodes' sampled resources (see {@link LeakAssertion}); they need the nodes' admin URLs. */
  public Simulation assertions(LeakAssertion... more) {
    List<LeakAssertion> all = new ArrayList<>(leakAssertions);
    all.addAll(List.of(more));
    return new Simulation(name, description, targets, markerTopic, scenarios, assertions, caFile, operations, all);
  }

  public List<TierOperation> operations() {
    return operations;
  }

  public List<LeakAssertion> leakAssertions() {
    return leakAssertions;
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public List<String> targets() {
    return targets;
  }

  public String markerTopic() {
    return markerTopic;
  }

  public List<Scenario> scenarios() {
    return scenarios;
  }

  public List<Assertion> assertions() {
    return assertions;
  }

  /** null: TLS targets are checked against the JVM's default authorities. */
  public String caFile() {
    return caFile;
  }

  @Override
  public String toString() {
    return "Simulation[" + name + ", targets " + targets + ", " + scenarios + ", " + assertions + "]";
  }
}
