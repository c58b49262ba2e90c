package io.mqttlb.admission;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The production pacer does not save up permits while idle: a storm after a quiet spell gets the
 * rate, not a second's worth at once on top of it (which Guava's plain {@code RateLimiter.create}
 * would hand out). Counted against the time the test actually took, so a slow machine only widens
 * the bound it is held to.
 */
class RateLimiterPacerTest {
  private static final double RATE = 1000;

  @Test
  void afterAnIdleSpellAStormGetsTheRateAndNoSavedBurst() throws InterruptedException {
    ConnectPacer pacer = ConnectPacer.rateLimited(RATE);
    Thread.sleep(1200); // idle for more than a second: a bursty limiter would now hold 1000 saved permits
    long start = System.nanoTime();
    int granted = 0;
    while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(50)) {
      if (pacer.tryAcquire()) {
        granted++;
      }
    }
    double elapsedSeconds = (System.nanoTime() - start) / 1e9;
    // The rate over the time taken, the permit a limiter grants ahead, and at most one saved millisecond's worth.
    double bound = RATE * elapsedSeconds + 1 + RATE * RateLimiterPacer.WARM_UP_MICROS / 1e6 + 1;
    assertTrue(granted <= bound, granted + " permits in " + elapsedSeconds + " s, more than " + bound);
    assertTrue(granted >= 1, "the first connect of a storm passes at once");
  }
}
