package io.mqttlb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.Await;
import io.mqttlb.testing.GarbageCollection;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A loop blocked for 1.5 s runs the once-a-second probe late by about that much; the node reports it.
 * The heap after a collection is what the latest collection left in the heap pools, fed here as
 * collections would; the JVM's own collections reach it.
 */
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
  void heapAfterGcReportsTheHeapPoolsOfTheLatestCollection() {
    HeapAfterGc heap = new HeapAfterGc(Set.of("Eden Space", "Old Gen"));
    Metrics metrics = new Metrics(heap);
    assertEquals(0, heapAfterGc(metrics), "no collection yet");

    heap.collected(Map.of("Eden Space", used(0), "Old Gen", used(30 << 20), "Metaspace", used(50 << 20)));
    assertEquals(30 << 20, heapAfterGc(metrics), "the heap pools only");
    heap.collected(Map.of("Eden Space", used(1 << 20), "Old Gen", used(20 << 20), "Metaspace", used(50 << 20)));
    assertEquals(21 << 20, heapAfterGc(metrics), "the latest collection, not the largest");
    assertTrue(metrics.scrape().lines().anyMatch(l -> l.startsWith(Metrics.HEAP_AFTER_GC + " ")), metrics.scrape());
  }

  @Test
  void theJvmsCollectionsReachTheHeapAfterGc() throws Exception {
    HeapAfterGc jvm = HeapAfterGc.instance(); // listening from here on
    GarbageCollection.collect();
    // The collector's notification arrives on a JVM thread shortly after the collection.
    Await.until("the collection's notification", () -> jvm.bytes() > 0);
  }

  private static double heapAfterGc(Metrics metrics) {
    return metrics.registry().get(Metrics.HEAP_AFTER_GC).gauge().value();
  }

  private static MemoryUsage used(long bytes) {
    return new MemoryUsage(0, bytes, bytes, -1);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
