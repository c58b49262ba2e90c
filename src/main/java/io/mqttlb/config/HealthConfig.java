package io.mqttlb.config;

import java.time.Duration;

/**
 * Broker health checks: a TCP connect every {@code interval}, failing after {@code timeout}; a
 * broker goes up after {@code rise} successes in a row and down after {@code fall} failures.
 */
public record HealthConfig(Duration interval, Duration timeout, int rise, int fall) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_RISE = 2;
  public static final int DEFAULT_FALL = 2;
  public static final int MIN_COUNT = 1;

  public HealthConfig {
    Require.positive("interval", interval);
    Require.positive("timeout", timeout);
    Require.atLeast("rise", rise, MIN_COUNT);
    Require.atLeast("fall", fall, MIN_COUNT);
  }

  public static HealthConfig defaults() {
    return new HealthConfig(DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_RISE, DEFAULT_FALL);
  }
}
