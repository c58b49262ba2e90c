package io.mqttlb.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition that becomes true asynchronously (replication, background writes). */
public final class Await {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private Await() {
  }

  /** Waits until {@code condition} holds, failing with {@code what} after ten seconds. */
  public static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(10);
    }
  }
}
