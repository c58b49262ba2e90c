package io.mqttlb.config;

import java.time.Duration;

/**
 * Admission control of new connections to brokers that have a connect-rate cap: the tier-wide cap of
 * a broker that sets none itself ({@code maxConnectRatePerBroker}, new connections per second to one
 * broker across the whole tier; 0 leaves such brokers uncapped), how many clients may wait for a
 * capped broker on one node ({@code queue}), and how long one may wait ({@code maxWait}) before it is
 * answered "server busy". A queue of 0 refuses at once whatever the cap does not admit.
 */
public record AdmissionLimits(int maxConnectRatePerBroker, Duration maxWait, int queue) {
  public static final int OFF = 0;
  /** A cap above this is no cap a node could pace (one connect per microsecond): a typo. */
  public static final int MAX_RATE = 1_000_000;
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
  public static final int DEFAULT_QUEUE = 10_000;
  public static final int MAX_QUEUE = 10_000_000;
  public static final AdmissionLimits DEFAULTS = new AdmissionLimits(OFF, DEFAULT_WAIT, DEFAULT_QUEUE);

  public AdmissionLimits {
    Require.inRange("maxConnectRatePerBroker", maxConnectRatePerBroker, OFF, MAX_RATE);
    Require.positive("admissionWait", maxWait);
    Require.inRange("admissionQueue", queue, 0, MAX_QUEUE);
  }

  /** The cap of a broker whose own {@code maxConnectRate} is {@code brokerCap} (0: none of its own); 0 for no cap. */
  public int capOf(int brokerCap) {
    return brokerCap > 0 ? brokerCap : maxConnectRatePerBroker;
  }
}
