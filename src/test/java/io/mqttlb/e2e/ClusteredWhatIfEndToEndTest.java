package io.mqttlb.e2e;

import static io.mqttlb.e2e.MovesEndToEndTest.connect;
import static io.mqttlb.e2e.MovesEndToEndTest.disconnectAll;
import static io.mqttlb.e2e.MovesEndToEndTest.post;
import static io.mqttlb.e2e.WhatIfEndToEndTest.all;
import static io.mqttlb.e2e.WhatIfEndToEndTest.predicted;
import static io.mqttlb.e2e.WhatIfEndToEndTest.put;
import static io.mqttlb.e2e.WhatIfEndToEndTest.ringMoves;
import static io.mqttlb.e2e.WhatIfEndToEndTest.whatIf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.e2e.MovesEndToEndTest.Watched;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.InJvmTier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A what-if across two clustered nodes in this JVM (Hazelcast on loopback): asked of one node, it
 * counts the clients connected through both, and the rebalance after the change, run through the
 * other node, moves exactly the predicted clients on both.
 */
@EndToEnd
class ClusteredWhatIfEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void theAnswerCountsTheClientsOfEveryNode() throws Exception {
    // b3 runs from the start but joins the broker set only when the test adds it.
    try (InJvmTier tier = InJvmTier.start(dir, 2, 3, config -> config.withBrokers(config.brokers().subList(0, 2)))) {
      BalancerNode one = tier.node(1);
      BalancerNode two = tier.node(2);
      List<Watched> clients = new ArrayList<>();
      try {
        List<String> ids = new ArrayList<>();
        Map<String, Long> endings = new ConcurrentHashMap<>();
        for (int i = 0; i < 80; i++) {
          ids.add("pump-" + i);
          clients.add(connect("pump-" + i, (i < 20 ? one : two).port(), i % 2 == 0, endings)); // 20 via lb-1, 60 via lb-2
        }

        JsonObject answer = whatIf(one, "add=b3&samples=1000");
        Map<String, Set<String>> predicted = predicted(answer);
        Set<String> moving = all(predicted);
        assertEquals(80, answer.getJsonObject("clients").getLong("connected"), "both nodes' clients: " + answer);
        assertEquals(moving.size(), answer.getJsonObject("clients").getLong("moving"));
        assertEquals(ringMoves(ids, one.config().routing().virtualNodes()), predicted);
        assertEquals(Set.of("lb-1", "lb-2"), new TreeSet<>(answer.getJsonArray("nodes").getList()));
        assertEquals(new JsonArray(), answer.getJsonArray("incomplete"));

        put(one, "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:" + tier.broker(3).port() + "\"}");
        Await.until("the other node routes with b3", () -> two.snapshot().brokers().size() == 3);
        JsonObject started = post(two, "/api/v1/rebalance", "{\"rate\":500}", 202);
        assertEquals(moving.size(), started.getLong("clients"));
        Await.until("the predicted clients are disconnected", () -> endings.keySet().containsAll(moving));
        Await.until("both nodes are done", () ->
            one.metrics().movedCount("rebalance") + two.metrics().movedCount("rebalance") == moving.size());
        Thread.sleep(300);
        assertEquals(moving, new TreeSet<>(endings.keySet()), "exactly the predicted clients, on both nodes");
      } finally {
        disconnectAll(clients);
      }
    }
  }
}
