package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.routing.HashRing;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of a node: the two others keep routing identically and keep the table; the killed node,
 * started again, catches up with everything the tier did while it was away.
 */
@EndToEnd
class ClusterFailoverIT {
  static ClusterTier tier;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTier() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults().withMode("table"));
  }

  @AfterAll
  static void stopTier() {
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  void survivorsOfAKill9KeepRoutingAndTheTableAndTheRestartedNodeCatchesUp() throws Exception {
    List<String> ids = ClusterRoutingIT.clientIds(1000, 3);
    HashRing ring = ClusterTier.expectedRing(ClusterTier.equalWeights());
    // The victim is the node that seeded the tier: the oldest member, Hazelcast's master.
    int victim = seeder();
    int[] survivors = victim == 1 ? new int[] {2, 3} : victim == 2 ? new int[] {1, 3} : new int[] {1, 2};
    int a = survivors[0];
    int b = survivors[1];
    String dead = "lb-" + victim;

    // The table before the failure: 20 overrides through the victim, 15 sticky entries of real clients.
    Map<String, String> reached = new TreeMap<>();
    for (int i = 0; reached.size() < 15; i++) {
      String id = ids.get(i * 31 + 1);
      if (id.startsWith("client-")) {
        reached.put(id, Clients.brokerReachedMqtt3(id, tier.nodePort(1 + reached.size() % ClusterTier.NODES)));
      }
    }
    for (int i = 0; i < 20; i++) {
      String id = ids.get(i * 47 + 3);
      String owner = ClusterTier.ringOwner(ring, id);
      tier.putOverride(victim, id, ClusterTier.BROKER_IDS.get((ClusterTier.BROKER_IDS.indexOf(owner) + 1) % 3));
    }
    tier.awaitAll(Duration.ofSeconds(10), "20 overrides and 15 sticky entries", node -> {
      JsonObject table = tier.table(node, "limit=1");
      return table.getLong("overrides") == 20 && table.getLong("sticky") == 15;
    });
    Map<String, String> tableBefore = tier.tableEntries(victim);
    assertEquals(35, tableBefore.size(), "no override hides a sticky entry here: " + tableBefore);

    // The victim, which seeded the tier and took the overrides, dies without a word.
    tier.kill9(victim);
    tier.awaitMembers(a, 2);
    tier.awaitMembers(b, 2);
    for (int node : survivors) {
      assertEquals(tableBefore, tier.tableEntries(node), "lb-" + node + " kept the table");
      assertEquals("table", tier.mode(node));
    }
    Map<String, String> expected = ClusterTier.expectedRoutes(ids, tableBefore, ClusterTier.equalWeights());
    for (int node : survivors) {
      ClusterRoutingIT.assertSameRoutes(expected, tier.routes(node, ids), "lb-" + node + " with " + dead + " dead");
    }
    String stickyClient = reached.keySet().iterator().next();
    assertEquals(reached.get(stickyClient), Clients.brokerReachedMqtt3(stickyClient, tier.nodePort(a)),
        "a sticky client reconnecting through lb-" + a + " finds its broker");

    // While the victim is dead: a new override, one override removed, a broker re-weighted, a mode switch
    // back and forth (each through a survivor).
    String lateKey = "set-while-" + dead + "-was-dead";
    String lateOwner = ClusterTier.ringOwner(ring, lateKey);
    String lateBroker = ClusterTier.BROKER_IDS.get((ClusterTier.BROKER_IDS.indexOf(lateOwner) + 2) % 3);
    tier.putOverride(a, lateKey, lateBroker);
    String removed = tableBefore.entrySet().stream().filter(e -> e.getValue().startsWith("override:"))
        .findFirst().orElseThrow().getKey();
    assertEquals(200, tier.delete(b, "/api/v1/table/" + ClusterTier.encodePath(removed)).status());
    tier.setWeight(b, "b2", 2);
    tier.setMode(a, "hash");
    tier.setMode(b, "table");

    long restarting = System.nanoTime();
    tier.restart(victim);
    System.err.printf("%s restarted and saw 3 members after %d ms%n", dead, (System.nanoTime() - restarting) / 1_000_000);
    assertEquals("tier", tier.status(victim).getString("seededFrom"),
        "the restarted " + dead + " adopts the tier's state instead of seeding it from its file");

    // All three agree on everything, the changes made while the victim was dead included.
    Map<String, Integer> weights = ClusterTier.equalWeights();
    weights.put("b2", 2);
    List<String> brokers = tier.brokerList(a);
    assertTrue(brokers.stream().anyMatch(broker -> broker.startsWith("b2=") && broker.endsWith("×2")),
        brokers.toString());
    tier.awaitAll(Duration.ofSeconds(5), "the tier's table, mode and brokers",
        node -> tier.table(node, "limit=1").getLong("size") == 35 && tier.mode(node).equals("table")
            && tier.brokerList(node).equals(brokers));
    Map<String, String> tableAfter = tier.tableEntries(a);
    assertEquals("override:" + lateBroker, tableAfter.get(lateKey));
    assertTrue(!tableAfter.containsKey(removed), removed + " was removed");
    for (int node = 1; node <= 3; node++) {
      assertEquals(tableAfter, tier.tableEntries(node), "lb-" + node + "'s table");
    }
    List<String> allIds = new ArrayList<>(ids);
    allIds.add(lateKey);
    Map<String, String> expectedAfter = ClusterTier.expectedRoutes(allIds, tableAfter, weights);
    for (int node = 1; node <= 3; node++) {
      ClusterRoutingIT.assertSameRoutes(expectedAfter, tier.routes(node, allIds), "lb-" + node + " after the restart");
    }
    assertEquals(lateBroker, Clients.brokerReachedMqtt3(lateKey, tier.nodePort(victim)),
        "a real client through the restarted " + dead + " follows the override set while it was dead");
  }

  /** The node that seeded the tier's state from its file, as the nodes' status tells; the others adopted it. */
  private static int seeder() {
    List<Integer> seeders = new ArrayList<>();
    for (int node = 1; node <= ClusterTier.NODES; node++) {
      if ("config".equals(tier.status(node).getString("seededFrom"))) {
        seeders.add(node);
      }
    }
    assertEquals(1, seeders.size(), "exactly one node seeded the tier: " + seeders);
    return seeders.get(0);
  }
}
