package io.mqttlb.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A kind of virtual user: its steps, its protocol and how its users arrive. Immutable; every
 * method returns a new scenario, so a chain reads like Gatling's:
 *
 * <pre>
 *   scenario("devices").protocol(5).clientIdPrefix("dev-")
 *       .connect(false, Duration.ofHours(1), Duration.ofSeconds(60))
 *       .subscribe("devices/${clientId}/cmd", 1)
 *       .publish("devices/${clientId}/up", 1, 100, 10, 5)
 *       .reconnect(Step.Through.NEXT, false)
 *       .inject(Injection.rampUsers(500).during(Duration.ofSeconds(10)))
 * </pre>
 *
 * User {@code n} (0-based) uses client id {@code clientIdPrefix + n} zero-padded to 6 digits.
 */
public final class Scenario {
  public static final String DEFAULT_CLIENT_ID_PREFIX = "lt-";
  public static final int DEFAULT_PROTOCOL = 5;

  private final String name;
  private final String clientIdPrefix;
  private final int protocol;
  private final List<Step> steps;
  private final List<Injection> injection;

  private Scenario(String name, String clientIdPrefix, int protocol, List<Step> steps, List<Injection> injection) {
    this.name = name;
    this.clientIdPrefix = clientIdPrefix;
    this.protocol = protocol;
    this.steps = List.copyOf(steps);
    this.injection = List.copyOf(injection);
  }

  public static Scenario scenario(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must not be empty");
    }
    return new Scenario(name, DEFAULT_CLIENT_ID_PREFIX, DEFAULT_PROTOCOL, List.of(), List.of());
  }

  public Scenario clientIdPrefix(String prefix) {
    Objects.requireNonNull(prefix, "clientIdPrefix");
    return new Scenario(name, prefix, protocol, steps, injection);
  }

  /** 3 (MQTT 3.1.1) or 5. */
  public Scenario protocol(int version) {
    if (version != 3 && version != 5) {
      throw new IllegalArgumentException("protocol (" + version + ") must be 3 (MQTT 3.1.1) or 5");
    }
    return new Scenario(name, clientIdPrefix, version, steps, injection);
  }

  public Scenario step(Step step) {
    List<Step> more = new ArrayList<>(steps);
    more.add(Objects.requireNonNull(step, "step"));
    return new Scenario(name, clientIdPrefix, protocol, more, injection);
  }

  /** A clean session with the default keep-alive. */
  public Scenario connect() {
    return step(new Step.Connect(true, Duration.ZERO, Step.Connect.DEFAULT_KEEP_ALIVE));
  }

  public Scenario connect(boolean cleanSession, Duration sessionExpiry, Duration keepAlive) {
    return step(new Step.Connect(cleanSession, sessionExpiry, keepAlive));
  }

  public Scenario subscribe(String topic, int qos) {
    return step(new Step.Subscribe(topic, qos));
  }

  /** @param ratePerSec messages per second; 0 sends them all at once */
  public Scenario publish(String topic, int qos, int payloadBytes, int count, double ratePerSec) {
    return step(new Step.Publish(topic, qos, payloadBytes, count, ratePerSec));
  }

  public Scenario pause(Duration duration) {
    return step(new Step.Pause(duration, duration));
  }

  public Scenario pause(Duration min, Duration max) {
    return step(new Step.Pause(min, max));
  }

  public Scenario expect(String topic, int count, Duration within) {
    return step(new Step.Expect(topic, count, within));
  }

  public Scenario disconnect() {
    return step(new Step.Disconnect());
  }

  public Scenario reconnect(Step.Through through, boolean cleanSession) {
    return step(new Step.Reconnect(through, cleanSession));
  }

  /** {@code repeat(3, s -> s.publish(...).pause(...))}: the body is built on an empty chain. */
  public Scenario repeat(int times, UnaryOperator<Scenario> body) {
    Scenario empty = new Scenario(name, clientIdPrefix, protocol, List.of(), List.of());
    return step(new Step.Repeat(times, body.apply(empty).steps()));
  }

  /** Profiles run one after another. */
  public Scenario inject(Injection... profiles) {
    List<Injection> more = new ArrayList<>(injection);
    for (Injection profile : profiles) {
      more.add(Objects.requireNonNull(profile, "injection"));
    }
    return new Scenario(name, clientIdPrefix, protocol, steps, more);
  }

  public String name() {
    return name;
  }

  public String clientIdPrefix() {
    return clientIdPrefix;
  }

  public int protocol() {
    return protocol;
  }

  public List<Step> steps() {
    return steps;
  }

  public List<Injection> injection() {
    return injection;
  }

  public String clientId(int user) {
    return clientIdPrefix + String.format("%06d", user);
  }

  @Override
  public String toString() {
    return "Scenario[" + name + ", MQTT " + protocol + ", " + steps.size() + " steps, " + injection + "]";
  }
}
