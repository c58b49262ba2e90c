package io.mqttlb.cluster;

import static io.mqttlb.cluster.ClusterTier.NODES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code routing.table.maxEntries} holds across the tier: three times as many clients as entries. */
@EndToEnd
class ClusterStickyBoundIT {
  static final int MAX_ENTRIES = 20;
  static final int CLIENTS = 60;
  static ClusterTier tier;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTier() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults().withMode("table").withMaxEntries(MAX_ENTRIES));
  }

  @AfterAll
  static void stopTier() {
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  void stickyEntriesStayWithinMaxEntriesOnEveryNode() throws Exception {
    Map<String, String> reached = new TreeMap<>();
    for (int i = 0; i < CLIENTS; i++) {
      String id = "bound-" + i;
      reached.put(id, Clients.brokerReachedMqtt3(id, tier.nodePort(1 + i % NODES)));
    }

    // Eviction runs when a node writes a new key and once a second for writes that replicated in.
    tier.awaitAll(Duration.ofSeconds(5), "at most " + MAX_ENTRIES + " sticky entries",
        node -> tier.table(node, "limit=1").getLong("sticky") <= MAX_ENTRIES);
    Thread.sleep(1500); // one more round of every node's bound check: still within the bound
    long evictions = 0;
    for (int node = 1; node <= NODES; node++) {
      long sticky = tier.table(node, "limit=1").getLong("sticky");
      assertTrue(sticky > 0 && sticky <= MAX_ENTRIES, "lb-" + node + " holds " + sticky + " sticky entries");
      int n = node;
      Map<String, String> entries = tier.tableEntries(node);
      assertTrue(entries.size() <= MAX_ENTRIES, "lb-" + node + " lists " + entries.size() + " entries");
      entries.forEach((key, value) -> assertEquals("sticky:" + reached.get(key), value, key + " on lb-" + n));
      // The most recent client is the last to be evicted.
      assertEquals("sticky:" + reached.get("bound-" + (CLIENTS - 1)), entries.get("bound-" + (CLIENTS - 1)),
          "lb-" + node + " keeps the newest entry");
      evictions += evictionsCounted(node);
    }
    assertTrue(evictions >= CLIENTS - MAX_ENTRIES, "the nodes count " + evictions + " evictions");
  }

  private static long evictionsCounted(int node) {
    String metrics = tier.get(node, "/metrics").body();
    return metrics.lines()
        .filter(line -> line.startsWith("mqttlb_sticky_evictions_total"))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
