package io.mqttlb.loadtest.soak;

import java.time.Duration;
import java.util.Objects;

/**
 * A change a simulation makes to the tier while its users run, through the admin API, {@code at} a
 * time after the start: drain a broker, enable it again, rebalance. Immutable.
 *
 * <pre>
 *   operations:
 *     - { at: 60s, drain: b2, rate: 50 }      # POST /api/v1/brokers/b2/drain {"rate":50}
 *     - { at: 120s, enable: b2 }              # POST /api/v1/brokers/b2/enable
 *     - { at: 150s, rebalance: { rate: 50 } } # POST /api/v1/rebalance {"rate":50}
 * </pre>
 */
public sealed interface TierOperation {
  Duration at();

  /** The admin API path of the call (always a POST). */
  String path();

  /** The JSON body, or null for none. */
  String body();

  /** One line for reports: {@code drain b2 at 50/s}. */
  String describe();

  record Drain(Duration at, String broker, int rate) implements TierOperation {
    public Drain {
      requireAt(at);
      requireBroker(broker);
      requireRate(rate);
    }

    @Override
    public String path() {
      return "/api/v1/brokers/" + broker + "/drain";
    }

    @Override
    public String body() {
      return "{\"rate\":" + rate + "}";
    }

    @Override
    public String describe() {
      return "drain " + broker + " at " + rate + "/s";
    }
  }

  record Enable(Duration at, String broker) implements TierOperation {
    public Enable {
      requireAt(at);
      requireBroker(broker);
    }

    @Override
    public String path() {
      return "/api/v1/brokers/" + broker + "/enable";
    }

    @Override
    public String body() {
      return null;
    }

    @Override
    public String describe() {
      return "enable " + broker;
    }
  }

  record Rebalance(Duration at, int rate) implements TierOperation {
    public Rebalance {
      requireAt(at);
      requireRate(rate);
    }

    @Override
    public String path() {
      return "/api/v1/rebalance";
    }

    @Override
    public String body() {
      return "{\"rate\":" + rate + "}";
    }

    @Override
    public String describe() {
      return "rebalance at " + rate + "/s";
    }
  }

  private static void requireAt(Duration at) {
    Objects.requireNonNull(at, "at");
    if (at.isNegative()) {
      throw new IllegalArgumentException("at (" + at + ") must not be negative");
    }
  }

  private static void requireBroker(String broker) {
    // A broker id goes into a URL path: the admin API's own ids are letters, digits, '-', '_' and '.'.
    if (broker == null || !broker.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("broker (" + broker + ") must be a broker id (letters, digits, . _ -)");
    }
  }

  private static void requireRate(int rate) {
    if (rate < 1) {
      throw new IllegalArgumentException("rate (" + rate + ") must be at least 1 per second");
    }
  }
}
