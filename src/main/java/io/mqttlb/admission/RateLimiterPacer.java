package io.mqttlb.admission;

import com.google.common.util.concurrent.RateLimiter;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ConnectPacer} over Guava's {@link RateLimiter}, built so that it cannot burst.
 *
 * <p>{@code RateLimiter.create(rate)} saves up to one second of unused permits while idle and hands
 * them out at once: after a quiet second, a storm would get {@code 2 × rate} connects through in
 * the next second, twice the cap that protects the broker. Built with a warm-up period instead, a
 * limiter saves at most {@code warmUp × rate} permits (and hands saved permits out more slowly, not
 * faster), so a warm-up of {@value #WARM_UP_MICROS} µs keeps any one-second window within the rate
 * plus a permit or two, whatever the rate.
 */
final class RateLimiterPacer implements ConnectPacer {
  static final long WARM_UP_MICROS = 1000;

  private final RateLimiter limiter;

  RateLimiterPacer(double perSecond) {
    this.limiter = RateLimiter.create(perSecond, WARM_UP_MICROS, TimeUnit.MICROSECONDS);
  }

  @Override
  public boolean tryAcquire() {
    return limiter.tryAcquire(); // a timeout of 0: never sleeps
  }

  @Override
  public void setRate(double perSecond) {
    limiter.setRate(perSecond);
  }
}
