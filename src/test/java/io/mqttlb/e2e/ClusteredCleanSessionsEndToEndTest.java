package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.cluster.LoopbackCluster;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.CleanSessionRouting;
import io.mqttlb.config.ClusterConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.HashRing;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RingMember;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.Fleet;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection counts are shared through the cluster: two clustered nodes in this JVM (Hazelcast on loopback) in
 * front of three Mosquitto brokers; persistent clients that all belong to b1 connect through lb-1, then clean
 * clients connect through lb-2, which has none of b1's clients itself and still sends the clean ones to b2 and b3.
 */
@EndToEnd
class ClusteredCleanSessionsEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void cleanClientsThroughOneNodeAvoidTheBrokerLoadedThroughTheOther() throws Exception {
    List<MosquittoBroker> brokers = new ArrayList<>();
    List<BalancerNode> nodes = new ArrayList<>();
    try {
      List<BrokerConfig> configs = new ArrayList<>();
      for (String id : List.of("b1", "b2", "b3")) {
        MosquittoBroker broker = MosquittoBroker.start(id);
        brokers.add(broker);
        configs.add(new BrokerConfig(id, "127.0.0.1", broker.port(), 1));
      }
      List<Path> files = LoopbackCluster.writeConfigs(dir, "mqttlb-clean-" + ProcessHandle.current().pid(),
          List.of(Ports.free(), Ports.free()));
      List<Future<BalancerNode>> starting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        NodeConfig config = NodeConfig.defaults()
            .withNodeId("lb-" + (i + 1))
            .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
            .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
            .withBrokers(configs)
            .withCluster(new ClusterConfig(files.get(i).toString()));
        starting.add(BalancerNode.start(config.withRouting(
            config.routing().withCleanSessions(CleanSessionRouting.LEAST_LOADED))));
      }
      Future.join(starting).await(90, TimeUnit.SECONDS);
      starting.forEach(node -> nodes.add(node.result()));
      BalancerNode one = nodes.get(0);
      BalancerNode two = nodes.get(1);
      Await.until("both nodes see two members", () -> one.state().members().size() == 2 && two.state().members().size() == 2);

      HashRing ring = HashRing.build(List.of(new RingMember("b1", 1), new RingMember("b2", 1), new RingMember("b3", 1)),
          160);
      List<String> ofB1 = new ArrayList<>();
      for (int i = 0; ofB1.size() < CleanSessionsEndToEndTest.PERSISTENT; i++) {
        if (ring.memberId(ring.lookup(RingHash.hashKey("persistent-" + i))).equals("b1")) {
          ofB1.add("persistent-" + i);
        }
      }
      try (Fleet persistent = Fleet.connect(ofB1, List.of(one.port()))) {
        persistent.awaitAllConnected(Duration.ofSeconds(30));
        assertEquals(Map.of("b1", ofB1.size()), persistent.distribution());
        Await.until("lb-2 counts lb-1's clients on b1",
            () -> two.connections().connections("b1") == CleanSessionsEndToEndTest.PERSISTENT);
        assertEquals(0, two.metrics().broker("b1").placed(), "none of them through lb-2 itself");

        try (Fleet clean = Fleet.connectClean(CleanSessionsEndToEndTest.cleanIds(), List.of(two.port()))) {
          clean.awaitAllConnected(Duration.ofSeconds(30));
          Map<String, Integer> cleanOn = clean.distribution();
          assertFalse(cleanOn.containsKey("b1"), "lb-2 kept clean clients off the broker lb-1 loaded: " + cleanOn);
          int onB2 = cleanOn.getOrDefault("b2", 0);
          int onB3 = cleanOn.getOrDefault("b3", 0);
          assertTrue(Math.abs(onB2 - onB3) <= CleanSessionsEndToEndTest.TOLERANCE, "evenly: " + cleanOn);
          Await.until("lb-1 counts lb-2's clean clients", () -> one.connections().connections("b2") == onB2
              && one.connections().connections("b3") == onB3);
        }
        Await.until("lb-1 sees them gone once lb-2 publishes again", () -> one.connections().connections("b2") == 0
            && one.connections().connections("b3") == 0);
      }
    } finally {
      for (BalancerNode node : nodes) {
        node.stop().await(30, TimeUnit.SECONDS);
      }
      brokers.forEach(MosquittoBroker::close);
    }
  }
}
