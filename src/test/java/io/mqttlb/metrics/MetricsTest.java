package io.mqttlb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mqttlb.testing.GarbageCollection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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

    GarbageCollection.collect();
    dropped.set(7);
    evicted.set(42);
    assertEquals(7.0, value(metrics, "mqttlb_sticky_writes_dropped_total"));
    assertEquals(42.0, value(metrics, "mqttlb_sticky_evictions_total"));
  }

  @Test
  void gaugesBoundToSuppliersKeepReadingThemAfterAGarbageCollection() throws InterruptedException {
    Metrics metrics = new Metrics();
    AtomicReference<String> mode = new AtomicReference<>("hash");
    AtomicInteger remaining = new AtomicInteger(3);
    // Lambdas and method references, as BalancerNode passes them: nothing else refers to these objects.
    metrics.bindRoutingMode(mode::get, List.of("hash", "table"));
    metrics.bindMoveRemaining(remaining::get);
    GarbageCollection.collect();
    mode.set("table");
    remaining.set(2);
    assertEquals(0.0, value(metrics, "mqttlb_routing_mode{mode=\"hash\"}"));
    assertEquals(1.0, value(metrics, "mqttlb_routing_mode{mode=\"table\"}"));
    assertEquals(2.0, value(metrics, "mqttlb_move_remaining_clients"));
  }

  @Test
  void aBrokersTwoUpGaugesComeAndGoTogether() {
    Metrics metrics = new Metrics();
    metrics.bindBrokerUp("b1", () -> true, () -> false);
    assertEquals(1.0, value(metrics, "mqttlb_broker_up{broker=\"b1\"}"), "the tier sees b1 up");
    assertEquals(0.0, value(metrics, "mqttlb_broker_seen_up{broker=\"b1\"}"), "this node's checks do not");
    metrics.bindBrokerUp("b1", () -> false, () -> true);
    assertEquals(0.0, value(metrics, "mqttlb_broker_up{broker=\"b1\"}"), "registered again: the new sources");
    assertEquals(1.0, value(metrics, "mqttlb_broker_seen_up{broker=\"b1\"}"));
    metrics.unbindBrokerUp("b1");
    assertFalse(metrics.scrape().contains("broker=\"b1\""), metrics.scrape());
  }

  private static double value(Metrics metrics, String name) {
    return metrics.scrape().lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not scraped"));
  }
}
