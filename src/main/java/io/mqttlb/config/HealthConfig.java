package io.mqttlb.config;

import java.time.Duration;

/**
 * Broker health checks: a {@code probe} every {@code interval}, failing after {@code timeout}
 * (which must not exceed the interval, so that at most one probe per broker is in flight); a broker
 * goes up after {@code rise} successes in a row and down after {@code fall} failures.
 */
public record HealthConfig(Duration interval, Duration timeout, int rise, int fall, HealthProbeKind probe) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 2;
  public static final HealthProbeKind DEFAULT_PROBE = HealthProbeKind.MQTT;
  public static final int MIN_COUNT = 1;

  public HealthConfig {
    Require.positive("interval", interval);
    Require.positive("timeout", timeout);
    Require.atLeast("rise", rise, MIN_COUNT);
    Require.atLeast("fall", fall, MIN_COUNT);
    Require.nonNull("probe", probe);
    if (timeout.compareTo(interval) > 0) {
      throw new InvalidFieldException("timeout", "must not exceed interval (" + Durations.formatLenient(interval)
          + "), got " + Durations.formatLenient(timeout));
    }
  }

  /** Checks with the default probe ({@link #DEFAULT_PROBE}). */
  public HealthConfig(Duration interval, Duration timeout, int rise, int fall) {
    this(interval, timeout, rise, fall, DEFAULT_PROBE);
  }

  public static HealthConfig defaults() {
    return new HealthConfig(DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_RISE, DEFAULT_FALL, DEFAULT_PROBE);
  }

  public HealthConfig withProbe(HealthProbeKind probe) {
    return new HealthConfig(interval, timeout, rise, fall, probe);
  }
}
