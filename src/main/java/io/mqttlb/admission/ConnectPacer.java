package io.mqttlb.admission;

/**
 * Hands out permission for new connections at a rate. Implementations are thread-safe and never
 * block: a caller on an event loop asks, and waits elsewhere (a queue and a timer) when refused.
 */
public interface ConnectPacer {
  /** Takes one permit if one is available now; never waits. */
  boolean tryAcquire();

  /** Permits per second from now on; more than 0. */
  void setRate(double perSecond);

  /**
   * The production pacer: Guava's {@link com.google.common.util.concurrent.RateLimiter} at {@code perSecond}.
   * See {@link RateLimiterPacer} for why it is built with a warm-up period.
   */
  static ConnectPacer rateLimited(double perSecond) {
    return new RateLimiterPacer(perSecond);
  }
}
