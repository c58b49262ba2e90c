package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.Await;
import org.junit.jupiter.api.Test;

/** The coarse clock never runs ahead of the wall clock and keeps up with it within a few ticks. */
class CoarseClockTest {
  @Test
  void lagsTheWallClockByAboutATickAndNeverLeads() throws Exception {
    for (int i = 0; i < 100; i++) {
      long coarse = CoarseClock.millis();
      assertTrue(coarse <= System.currentTimeMillis(), "ahead of the wall clock");
      Thread.sleep(1);
    }
    long start = System.currentTimeMillis();
    Await.until("the clock moves on", () -> CoarseClock.millis() >= start);
  }
}
