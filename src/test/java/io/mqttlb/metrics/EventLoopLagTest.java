package io.mqttlb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A loop blocked for 1.5 s runs the once-a-second probe late by about that much; the node reports it. */
class EventLoopLagTest {

  @Test
  void aBlockedLoopShowsItsDelayAndTheMetricReportsTheWorstLoop() throws Exception {
    MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    Metrics metrics = new Metrics();
    try (EventLoopLag lag = EventLoopLag.start(loops)) {
      metrics.bindEventLoopLag(lag);
      assertEquals(0, lag.worstSeconds(), "nothing measured yet");
      // Let the first probe be scheduled, then keep one loop busy past its due time.
      Thread.sleep(200);
      loops.next().submit(() -> sleep(1500)).get(5, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (lag.worstSeconds() < 0.5 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(lag.worstSeconds() >= 0.5 && lag.worstSeconds() < 3, "lag " + lag.worstSeconds());
      String scrape = metrics.scrape();
      assertTrue(scrape.lines().anyMatch(l -> l.startsWith(Metrics.EVENT_LOOP_LAG + " ")), scrape);
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void heapAfterGcIsExportedAndFilledByACollection() throws Exception {
    Metrics metrics = new Metrics();
    System.gc();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    double value = 0;
    while (value <= 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      value = metrics.registry().get(Metrics.HEAP_AFTER_GC).gauge().value();
    }
    assertTrue(value > 0, "heap after GC " + value);
    assertTrue(metrics.scrape().lines().anyMatch(l -> l.startsWith(Metrics.HEAP_AFTER_GC + " ")));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
