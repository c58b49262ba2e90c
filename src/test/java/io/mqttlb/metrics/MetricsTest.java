package io.mqttlb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void tierCountersKeepCountingAfterAGarbageCollection() throws InterruptedException {
    Metrics metrics = new Metrics();
    AtomicLong dropped = new AtomicLong();
    AtomicLong evicted = new AtomicLong();
    // Method references, as BalancerNode passes them: nothing else refers to these objects.
    metrics.bindTierState(kind -> 0, () -> 1, () -> 1, dropped::get, evicted::get);
    dropped.set(3);
    evicted.set(5);
    assertEquals(3.0, value(metrics, "mqttlb_sticky_writes_dropped_total"));
    assertEquals(5.0, value(metrics, "mqttlb_sticky_evictions_total"));

    System.gc();
    Thread.sleep(100);
    dropped.set(7);
    evicted.set(42);
    assertEquals(7.0, value(metrics, "mqttlb_sticky_writes_dropped_total"));
    assertEquals(42.0, value(metrics, "mqttlb_sticky_evictions_total"));
  }

  private static double value(Metrics metrics, String name) {
    return metrics.scrape().lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not scraped"));
  }
}
