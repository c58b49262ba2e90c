package io.mqttlb.e2e;

import static io.mqttlb.e2e.MovesEndToEndTest.connect;
import static io.mqttlb.e2e.MovesEndToEndTest.disconnectAll;
import static io.mqttlb.e2e.MovesEndToEndTest.post;
import static io.mqttlb.e2e.MovesEndToEndTest.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.e2e.MovesEndToEndTest.Watched;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.HashRing;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RingMember;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.InJvmTier;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drain across two clustered nodes in this JVM (Hazelcast on loopback): the node that takes the
 * call counts the affected clients on both over the clustered event bus, splits the rate by those
 * counts, and both nodes finish together; status on either node shows both nodes' parts.
 */
@EndToEnd
class ClusteredDrainEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void aDrainThroughOneNodeMovesTheClientsOfBothAtTheTiersRate() throws Exception {
    try (InJvmTier tier = InJvmTier.start(dir, 2, 2, config -> config)) {
      BalancerNode one = tier.node(1);
      BalancerNode two = tier.node(2);
      List<Watched> clients = new ArrayList<>();
      try {
        HashRing ring = HashRing.build(List.of(new RingMember("b1", 1), new RingMember("b2", 1)), 160);
        List<String> ofB1 = new ArrayList<>();
        List<String> ofB2 = new ArrayList<>();
        for (int i = 0; ofB1.size() < 40 || ofB2.size() < 10; i++) {
          String id = "cl-" + i;
          List<String> list = ring.memberId(ring.lookup(RingHash.hashKey(id))).equals("b1") ? ofB1 : ofB2;
          if (list.size() < (list == ofB1 ? 40 : 10)) {
            list.add(id);
          }
        }
        Map<String, Long> endings = new ConcurrentHashMap<>();
        for (int i = 0; i < ofB1.size(); i++) {
          clients.add(connect(ofB1.get(i), (i < 10 ? one : two).port(), i % 2 == 0, endings)); // 10 via lb-1, 30 via lb-2
        }
        for (String id : ofB2) {
          clients.add(connect(id, one.port(), false, endings));
        }

        JsonObject started = post(one, "/api/v1/brokers/b1/drain", "{\"rate\":40}", 202);
        assertEquals(40, started.getLong("clients"), "counted on both nodes: " + started);
        Await.until("b1's clients are disconnected", () -> endings.keySet().containsAll(ofB1));
        Thread.sleep(500);
        assertEquals(new TreeSet<>(ofB1), new TreeSet<>(endings.keySet()), "exactly b1's clients, on both nodes");
        List<Long> times = new ArrayList<>(endings.values());
        Collections.sort(times);
        double rate = (times.size() - 1) / ((times.get(times.size() - 1) - times.get(0)) / 1e9);
        System.out.printf("clustered drain of 40 clients (10 + 30 on two nodes) at 40/s: measured %.1f/s%n", rate);
        // Within 25%: the two nodes start their parts when the start message reaches them, some tens of ms apart.
        assertTrue(rate > 30 && rate < 50, "measured rate " + rate + "/s, asked 40/s across the tier");

        Await.until("status on the other node shows the job done on both", () -> {
          JsonObject moves = status(two).getJsonObject("moves");
          return moves != null && "done".equals(moves.getString("state")) && moves.getJsonObject("nodes").size() == 2;
        });
        JsonObject moves = status(two).getJsonObject("moves");
        assertEquals(started.getString("id"), moves.getString("id"));
        assertEquals(40, moves.getLong("done"));
        assertEquals(10, moves.getJsonObject("nodes").getJsonObject("lb-1").getLong("done"));
        assertEquals(30, moves.getJsonObject("nodes").getJsonObject("lb-2").getLong("done"));
        assertTrue(two.snapshot().isDrained("b1"), "the drained flag replicated");
      } finally {
        disconnectAll(clients);
      }
    }
  }
}
