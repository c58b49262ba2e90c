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

import io.mqttlb.cluster.LoopbackCluster;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ClusterConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.e2e.MovesEndToEndTest.Watched;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
    List<MosquittoBroker> brokers = new ArrayList<>();
    List<BalancerNode> nodes = new ArrayList<>();
    List<Watched> clients = new ArrayList<>();
    try {
      List<BrokerConfig> configs = new ArrayList<>();
      for (String id : List.of("b1", "b2", "b3")) {
        MosquittoBroker broker = MosquittoBroker.start(id);
        brokers.add(broker);
        configs.add(new BrokerConfig(id, "127.0.0.1", broker.port(), 1));
      }
      List<Path> files = LoopbackCluster.writeConfigs(dir, "mqttlb-whatif-" + ProcessHandle.current().pid(),
          List.of(Ports.free(), Ports.free()));
      List<Future<BalancerNode>> starting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        starting.add(BalancerNode.start(NodeConfig.defaults()
            .withNodeId("lb-" + (i + 1))
            .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
            .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
            .withBrokers(configs.subList(0, 2))
            .withCluster(new ClusterConfig(files.get(i).toString()))));
      }
      Future.join(starting).await(90, TimeUnit.SECONDS);
      starting.forEach(node -> nodes.add(node.result()));
      BalancerNode one = nodes.get(0);
      BalancerNode two = nodes.get(1);
      Await.until("both nodes see two members", () -> one.state().members().size() == 2 && two.state().members().size() == 2);

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

      put(one, "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:" + brokers.get(2).port() + "\"}");
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
      for (BalancerNode node : nodes) {
        node.stop().await(30, TimeUnit.SECONDS);
      }
      brokers.forEach(MosquittoBroker::close);
    }
  }
}
