package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The background sticky writer: what it writes, what it skips, and the size bound. */
class StickyWriterTest {
  private final SharedMap sticky = new LocalStateStore("lb-1").map("sticky");
  private StickyWriter writer;

  private StickyWriter start(Duration ttl, long maxEntries) {
    writer = new StickyWriter(sticky, TableMirror.follow(sticky), ttl, maxEntries);
    writer.start();
    return writer;
  }

  @AfterEach
  void stop() {
    writer.close();
  }

  private long expiresAt(String key) {
    return TableEntry.expiresAtOf(sticky.get(key));
  }

  @Test
  void aWriteThatWouldOnlyNudgeTheExpiryIsSkipped() throws Exception {
    start(Duration.ofMinutes(30), 1000);
    writer.enqueue("c1", "b1", StickyEvent.CONNECTED);
    Await.until("first write", () -> sticky.get("c1") != null);
    long first = expiresAt("c1");

    writer.enqueue("c1", "b1", StickyEvent.CONNECTED);     // 30m left, next refresh in 10m: nothing to do
    writer.enqueue("c2", "b2", StickyEvent.CONNECTED);     // a marker: written after c1 was handled
    Await.until("marker written", () -> sticky.get("c2") != null);
    writer.enqueue("c1", "b1", StickyEvent.DISCONNECTED);  // within 1% of a full TTL: nothing to do
    writer.enqueue("c3", "b2", StickyEvent.CONNECTED);
    Await.until("marker written", () -> sticky.get("c3") != null);
    assertEquals(first, expiresAt("c1"));
    assertEquals(2, writer.skipped());

    writer.enqueue("c1", "b3", StickyEvent.CONNECTED);     // another broker: always written
    Await.until("broker changed", () -> "b3".equals(TableEntry.brokerOf(sticky.get("c1"))));
  }

  @Test
  void aDisconnectAfterMoreThanOnePercentOfTheTtlRefreshes() throws Exception {
    start(Duration.ofSeconds(2), 1000);
    writer.enqueue("c1", "b1", StickyEvent.CONNECTED);
    Await.until("first write", () -> sticky.get("c1") != null);
    long first = expiresAt("c1");
    Thread.sleep(100);
    writer.enqueue("c1", "b1", StickyEvent.DISCONNECTED);
    Await.until("refreshed", () -> expiresAt("c1") > first);
    assertTrue(expiresAt("c1") - first >= 90, "the TTL restarts at the disconnect");
    assertEquals(0, writer.skipped());
  }

  @Test
  void refreshIntervalIsHalfTheTtlWithinBounds() {
    assertEquals(Duration.ofSeconds(1), StickyWriter.refreshInterval(Duration.ofMillis(500)));
    assertEquals(Duration.ofSeconds(15), StickyWriter.refreshInterval(Duration.ofSeconds(30)));
    assertEquals(Duration.ofMinutes(10), StickyWriter.refreshInterval(Duration.ofMinutes(30)));
    writer = new StickyWriter(sticky, TableMirror.follow(sticky), Duration.ofSeconds(1), 1);
  }

  @Test
  void theMapStaysWithinItsBoundEvictingTheSoonestToExpire() throws Exception {
    start(Duration.ofMinutes(30), 10);
    for (int i = 0; i < 30; i++) {
      writer.enqueue("k" + i, "b1", StickyEvent.CONNECTED);
      Thread.sleep(2); // distinct expiry times, oldest first
    }
    Await.until("all handled", () -> sticky.get("k29") != null);
    assertTrue(sticky.size() <= 10, "size " + sticky.size());
    assertTrue(writer.evicted() >= 20);
    assertEquals(null, sticky.get("k0"), "the oldest went first");
  }
}
