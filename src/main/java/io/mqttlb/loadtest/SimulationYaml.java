package io.mqttlb.loadtest;

import io.mqttlb.config.ConfigException;
import io.mqttlb.config.YamlDocument;
import io.mqttlb.config.YamlMapping;
import io.mqttlb.config.YamlValue;
import io.mqttlb.loadtest.soak.LeakAssertion;
import io.mqttlb.loadtest.soak.LeakDetector;
import io.mqttlb.loadtest.soak.NodeSeries;
import io.mqttlb.loadtest.soak.TierOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Maps a YAML simulation onto the same objects the Java DSL builds. The file is read through the
 * YAML layer the node configuration uses ({@link YamlDocument}): the same rules (unknown and
 * duplicate keys are errors, scalars are read from their text, aliases and size are limited) and
 * the same error, one {@link ConfigException} naming the file, the key path
 * ({@code scenarios[0].steps[2].publish.qos}) and the problem. Values are taken verbatim, since
 * {@code ${clientId}} in a topic is the simulation's own placeholder, not an environment variable.
 */
final class SimulationYaml {
  static final List<String> TOP_KEYS = List.of("simulation", "description", "targets", "caFile", "markerTopic",
      "scenarios", "assertions", "operations");
  static final List<String> SCENARIO_KEYS = List.of("name", "clientIdPrefix", "protocol", "steps", "injection");
  static final List<String> STEP_KINDS = List.of("connect", "subscribe", "publish", "pause", "expect", "disconnect",
      "reconnect", "repeat");
  static final List<String> INJECTION_KINDS = List.of("atOnceUsers", "rampUsers", "constantUsersPerSec", "stairs",
      "constantConcurrentUsers");
  static final List<String> OPERATION_KINDS = List.of("drain", "enable", "rebalance");
  /** {@code metric}, one comparison, or {@code noLeak} alone. */
  static final List<String> ASSERTION_KEYS = Stream.concat(
      Stream.concat(Stream.of("metric"), Arrays.stream(Assertion.Op.values()).map(op -> op.key)), Stream.of("noLeak"))
      .toList();

  private SimulationYaml() {}

  static Simulation read(Path path) throws ConfigException {
    return parse(YamlDocument.read(path), path.toString(), path.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
  }

  /**
   * A simulation from its YAML text; {@code file} names it in messages, {@code defaultName} names the
   * simulation when the text does not. Every problem is a {@link ConfigException}.
   */
  static Simulation parse(String text, String file, String defaultName) throws ConfigException {
    YamlValue root = YamlDocument.parseVerbatim(text, file, "a simulation needs at least a scenarios list");
    return simulation(root, defaultName);
  }

  private static Simulation simulation(YamlValue root, String defaultName) throws ConfigException {
    YamlMapping m = root.asMapping(TOP_KEYS);
    String name = m.get("simulation") == null ? defaultName : m.get("simulation").asString();
    Simulation simulation = build(m.get("simulation") == null ? root : m.get("simulation"), null,
        () -> Simulation.simulation(name));
    if (m.get("description") != null) {
      simulation = simulation.description(m.get("description").asString());
    }
    if (m.get("targets") != null) {
      List<String> targets = new ArrayList<>();
      for (YamlValue target : m.get("targets").asList()) {
        String address = target.asString();
        build(target, null, () -> Target.parse(address));
        targets.add(address);
      }
      simulation = simulation.targets(targets);
    }
    if (m.get("caFile") != null) {
      String path = m.get("caFile").asString();
      Simulation before = simulation;
      simulation = build(m.get("caFile"), null, () -> before.caFile(path));
    }
    if (m.contains("markerTopic")) {
      // An empty value (markerTopic: null) turns the marker subscription off.
      YamlValue marker = m.get("markerTopic");
      String topic = marker == null ? null : marker.asString();
      Simulation before = simulation;
      simulation = marker == null ? before.markerTopic(null) : build(marker, null, () -> before.markerTopic(topic));
    }
    YamlValue scenarios = m.require("scenarios");
    List<YamlValue> scenarioItems = scenarios.asList();
    if (scenarioItems.isEmpty()) {
      throw scenarios.error("must list at least one scenario");
    }
    for (YamlValue item : scenarioItems) {
      simulation = simulation.scenarios(scenario(item));
    }
    if (m.get("assertions") != null) {
      for (YamlValue item : m.get("assertions").asList()) {
        YamlMapping keys = item.asMapping(ASSERTION_KEYS);
        if (keys.contains("noLeak")) {
          simulation = simulation.assertions(leakAssertion(item.asMapping(List.of("noLeak")).require("noLeak")));
        } else {
          simulation = simulation.assertions(assertion(item, keys));
        }
      }
    }
    if (m.get("operations") != null) {
      for (YamlValue item : m.get("operations").asList()) {
        simulation = simulation.operations(operation(item));
      }
    }
    return simulation;
  }

  private static Scenario scenario(YamlValue item) throws ConfigException {
    YamlMapping m = item.asMapping(SCENARIO_KEYS);
    String name = m.require("name").asString();
    Scenario scenario = build(item, m, () -> Scenario.scenario(name));
    if (m.get("clientIdPrefix") != null) {
      String prefix = m.get("clientIdPrefix").asString();
      Scenario before = scenario;
      scenario = build(m.get("clientIdPrefix"), null, () -> before.clientIdPrefix(prefix));
    }
    if (m.get("protocol") != null) {
      int version = m.get("protocol").asInt();
      Scenario before = scenario;
      scenario = build(m.get("protocol"), null, () -> before.protocol(version));
    }
    for (Step step : steps(m.require("steps"))) {
      scenario = scenario.step(step);
    }
    YamlValue injection = m.require("injection");
    List<YamlValue> profiles = injection.asList();
    if (profiles.isEmpty()) {
      throw injection.error("must list at least one injection profile");
    }
    for (YamlValue profile : profiles) {
      scenario = scenario.inject(injection(profile));
    }
    return scenario;
  }

  private static List<Step> steps(YamlValue list) throws ConfigException {
    List<YamlValue> items = list.asList();
    if (items.isEmpty()) {
      throw list.error("must list at least one step");
    }
    List<Step> steps = new ArrayList<>();
    for (YamlValue item : items) {
      steps.add(step(item));
    }
    return steps;
  }

  private static Step step(YamlValue item) throws ConfigException {
    // "- disconnect" reads as well as "- disconnect: {}": the one step without options.
    if (item.isScalar() && "disconnect".equals(item.asString())) {
      return new Step.Disconnect();
    }
    YamlMapping kind = single(item, STEP_KINDS);
    String name = kind.keys().iterator().next();
    switch (name) {
      case "connect": {
        YamlMapping m = optionalMapping(kind.get("connect"), List.of("cleanSession", "sessionExpiry", "keepAlive"));
        boolean clean = m == null || m.get("cleanSession") == null || m.get("cleanSession").asBoolean();
        Duration expiry = m == null || m.get("sessionExpiry") == null ? Duration.ZERO : m.get("sessionExpiry").asDuration();
        Duration keepAlive = m == null || m.get("keepAlive") == null
            ? Step.Connect.DEFAULT_KEEP_ALIVE : m.get("keepAlive").asDuration();
        return build(kind.get("connect"), m, () -> new Step.Connect(clean, expiry, keepAlive));
      }
      case "subscribe": {
        YamlValue args = kind.require("subscribe");
        YamlMapping m = args.asMapping(List.of("topic", "qos"));
        String topic = m.require("topic").asString();
        int qos = m.get("qos") == null ? 0 : m.get("qos").asInt();
        return build(args, m, () -> new Step.Subscribe(topic, qos));
      }
      case "publish": {
        YamlValue args = kind.require("publish");
        YamlMapping m = args.asMapping(List.of("topic", "qos", "payloadBytes", "count", "rate"));
        String topic = m.require("topic").asString();
        int qos = m.get("qos") == null ? 0 : m.get("qos").asInt();
        int bytes = m.get("payloadBytes") == null ? 64 : m.get("payloadBytes").asInt();
        int count = m.get("count") == null ? 1 : m.get("count").asInt();
        double rate = m.get("rate") == null ? 0 : LoadQuantities.ratePerSecond(m.get("rate"));
        return build(args, m, () -> new Step.Publish(topic, qos, bytes, count, rate));
      }
      case "pause": {
        YamlValue args = kind.require("pause");
        if (args.isMapping()) {
          YamlMapping m = args.asMapping(List.of("min", "max"));
          Duration min = m.require("min").asDuration();
          Duration max = m.require("max").asDuration();
          return build(args, m, () -> new Step.Pause(min, max));
        }
        Duration fixed = args.asDuration();
        return build(args, null, () -> new Step.Pause(fixed, fixed));
      }
      case "expect": {
        YamlValue args = kind.require("expect");
        YamlMapping m = args.asMapping(List.of("topic", "count", "within"));
        String topic = m.require("topic").asString();
        int count = m.get("count") == null ? 1 : m.get("count").asInt();
        Duration within = m.get("within") == null ? Duration.ofSeconds(5) : m.get("within").asDuration();
        return build(args, m, () -> new Step.Expect(topic, count, within));
      }
      case "disconnect":
        optionalMapping(kind.get("disconnect"), List.of());
        return new Step.Disconnect();
      case "reconnect": {
        YamlMapping m = optionalMapping(kind.get("reconnect"), List.of("through", "cleanSession"));
        Step.Through through = m == null || m.get("through") == null ? Step.Through.NEXT : through(m.get("through"));
        boolean clean = m != null && m.get("cleanSession") != null && m.get("cleanSession").asBoolean();
        return new Step.Reconnect(through, clean);
      }
      case "repeat": {
        YamlValue args = kind.require("repeat");
        YamlMapping m = args.asMapping(List.of("times", "steps"));
        int times = m.require("times").asInt();
        List<Step> body = steps(m.require("steps"));
        return build(args, m, () -> new Step.Repeat(times, body));
      }
      default:
        throw new AssertionError(name);
    }
  }

  private static Step.Through through(YamlValue value) throws ConfigException {
    String text = value.asString();
    return switch (text) {
      case "next" -> Step.Through.NEXT;
      case "same" -> Step.Through.SAME;
      default -> throw value.error("expected next or same; got '" + text + "'");
    };
  }

  private static Injection injection(YamlValue item) throws ConfigException {
    YamlMapping kind = single(item, INJECTION_KINDS);
    String name = kind.keys().iterator().next();
    YamlValue args = kind.require(name);
    switch (name) {
      case "atOnceUsers": {
        int users = args.asInt();
        return build(args, null, () -> Injection.atOnceUsers(users));
      }
      case "rampUsers": {
        YamlMapping m = args.asMapping(List.of("users", "during"));
        int users = m.require("users").asInt();
        Duration during = m.require("during").asDuration();
        return build(args, m, () -> Injection.rampUsers(users).during(during));
      }
      case "constantUsersPerSec": {
        YamlMapping m = args.asMapping(List.of("rate", "during"));
        double rate = LoadQuantities.ratePerSecond(m.require("rate"));
        Duration during = m.require("during").asDuration();
        return build(args, m, () -> Injection.constantUsersPerSec(rate).during(during));
      }
      case "stairs": {
        YamlMapping m = args.asMapping(List.of("start", "step", "levels", "levelDuration"));
        double start = LoadQuantities.ratePerSecond(m.require("start"));
        double step = LoadQuantities.ratePerSecond(m.require("step"));
        int levels = m.require("levels").asInt();
        Duration level = m.require("levelDuration").asDuration();
        return build(args, m, () -> Injection.stairs(start, step, levels, level));
      }
      case "constantConcurrentUsers": {
        YamlMapping m = args.asMapping(List.of("users", "during"));
        int users = m.require("users").asInt();
        Duration during = m.require("during").asDuration();
        return build(args, m, () -> Injection.constantConcurrentUsers(users).during(during));
      }
      default:
        throw new AssertionError(name);
    }
  }

  /** {@code { metric: connack.p99, lt: 50ms }}: a latency limit is a latency, the others are numbers. */
  private static Assertion assertion(YamlValue item, YamlMapping m) throws ConfigException {
    YamlValue metricValue = m.require("metric");
    RunMetric metric = labelled(metricValue, RunMetric::parse);
    List<Assertion.Op> ops = Arrays.stream(Assertion.Op.values()).filter(op -> m.contains(op.key)).toList();
    if (ops.size() != 1) {
      throw item.error("needs exactly one of lt, lte, gt, gte, eq (found "
          + (ops.isEmpty() ? "none" : String.join(", ", ops.stream().map(op -> op.key).toList())) + ")");
    }
    Assertion.Op op = ops.get(0);
    YamlValue expected = m.require(op.key);
    double value = metric.isLatency() ? LoadQuantities.millis(expected) : expected.asDouble();
    return build(expected, null, () -> new Assertion(metric, op, value));
  }

  /** {@code { series: heap, maxSlopePerMinute: 512KiB, maxGrowthPercent: 10 }}; the growth limit is optional. */
  private static LeakAssertion leakAssertion(YamlValue value) throws ConfigException {
    YamlMapping m = value.asMapping(List.of("series", "maxSlopePerMinute", "maxGrowthPercent"));
    NodeSeries series = labelled(m.require("series"), NodeSeries::parse);
    YamlValue slopeValue = m.require("maxSlopePerMinute");
    double slope = series.bytes() ? LoadQuantities.bytes(slopeValue) : slopeValue.asDouble();
    double growth = m.get("maxGrowthPercent") == null ? LeakDetector.DEFAULT_MAX_GROWTH_PERCENT
        : m.get("maxGrowthPercent").asDouble();
    return build(value, m, () -> new LeakAssertion(series, slope, growth));
  }

  /** {@code { at: 60s, drain: b2, rate: 50 }}, {@code { at: 120s, enable: b2 }} or {@code { at: 150s, rebalance: { rate: 50 } }}. */
  private static TierOperation operation(YamlValue item) throws ConfigException {
    YamlMapping m = item.asMapping(List.of("at", "drain", "enable", "rebalance", "rate"));
    Duration at = m.require("at").asDuration();
    List<String> kinds = OPERATION_KINDS.stream().filter(m::contains).toList();
    if (kinds.size() != 1) {
      throw item.error("needs exactly one of drain, enable, rebalance (found "
          + (kinds.isEmpty() ? "none" : String.join(", ", kinds)) + ")");
    }
    switch (kinds.get(0)) {
      case "drain" -> {
        String broker = m.require("drain").asString();
        int rate = m.require("rate").asInt();
        return build(item, m, () -> new TierOperation.Drain(at, broker, rate));
      }
      case "enable" -> {
        if (m.contains("rate")) {
          throw item.error("rate", "enable takes no rate");
        }
        String broker = m.require("enable").asString();
        return build(item, m, () -> new TierOperation.Enable(at, broker));
      }
      default -> {
        if (m.contains("rate")) {
          throw item.error("rate", "write rebalance: { rate: N }");
        }
        YamlValue rebalance = m.require("rebalance");
        int rate = rebalance.asMapping(List.of("rate")).require("rate").asInt();
        return build(rebalance, null, () -> new TierOperation.Rebalance(at, rate));
      }
    }
  }

  /** A mapping with exactly one of {@code kinds} as its key: a step or an injection profile. */
  private static YamlMapping single(YamlValue item, List<String> kinds) throws ConfigException {
    String expected = "must be one of " + String.join(", ", kinds) + " (a mapping with exactly one of these keys)";
    if (!item.isMapping()) {
      throw item.error(expected);
    }
    YamlMapping m = item.asMapping(kinds);
    if (m.keys().size() != 1) {
      throw item.error(expected);
    }
    return m;
  }

  /** An empty value means every default (null); otherwise a mapping of these keys. */
  private static YamlMapping optionalMapping(YamlValue value, List<String> keys) throws ConfigException {
    return value == null ? null : value.asMapping(keys);
  }

  /** A name parsed by its type ({@link RunMetric#parse}, ...), its error reported at its key. */
  private static <T> T labelled(YamlValue value, java.util.function.Function<String, T> parse) throws ConfigException {
    String text = value.asString();
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw value.error(e.getMessage());
    }
  }

  /**
   * Runs a model constructor, turning its validation message into an error at {@code at}, or at
   * the key of {@code keys} the message starts with ({@code "qos (3) must be 0, 1 or 2"} names
   * {@code ...qos}): the model states its rules once, for the Java DSL and the file alike.
   */
  private static <T> T build(YamlValue at, YamlMapping keys, Supplier<T> constructor) throws ConfigException {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      String message = String.valueOf(e.getMessage());
      String field = message.split("[^A-Za-z]", 2)[0];
      if (keys != null && keys.contains(field)) {
        throw at.error(field, message);
      }
      throw at.error(message);
    }
  }
}
