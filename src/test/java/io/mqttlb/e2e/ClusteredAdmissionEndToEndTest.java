package io.mqttlb.e2e;

import static io.mqttlb.e2e.MovesEndToEndTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.cluster.LoopbackCluster;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ClusterConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker's connect-rate cap across two clustered nodes in this JVM (Hazelcast on loopback): each
 * node paces half of it; a cap changed through one node reaches the other with the broker; when a
 * node leaves, the one left takes the whole cap.
 */
@EndToEnd
class ClusteredAdmissionEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void eachNodePacesItsShareOfTheCapAsTheCapAndTheMembershipChange() throws Exception {
    List<BalancerNode> nodes = new ArrayList<>();
    try (MosquittoBroker broker = MosquittoBroker.start("b1")) {
      try {
        List<BrokerConfig> brokers = List.of(new BrokerConfig("b1", "127.0.0.1", broker.port(), 1).withMaxConnectRate(200));
        List<Path> files = LoopbackCluster.writeConfigs(dir, "mqttlb-admission-" + ProcessHandle.current().pid(),
            List.of(Ports.free(), Ports.free()));
        List<Future<BalancerNode>> starting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          starting.add(BalancerNode.start(NodeConfig.defaults()
              .withNodeId("lb-" + (i + 1))
              .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
              .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
              .withBrokers(brokers)
              .withCluster(new ClusterConfig(files.get(i).toString()))));
        }
        Future.join(starting).await(90, TimeUnit.SECONDS);
        starting.forEach(node -> nodes.add(node.result()));
        BalancerNode one = nodes.get(0);
        BalancerNode two = nodes.get(1);

        Await.until("each of two nodes paces half of 200/s", () -> rate(one) == 100 && rate(two) == 100);

        assertEquals(400, put(one, "/api/v1/brokers/b1",
            "{\"address\":\"127.0.0.1:" + broker.port() + "\",\"maxConnectRate\":400}").getInteger("maxConnectRate"));
        Await.until("the other node follows the new cap", () -> rate(two) == 200);
        assertEquals(200.0, rate(one));

        two.stop().await(30, TimeUnit.SECONDS);
        nodes.remove(two);
        Await.until("the node left alone takes the whole cap", () -> rate(one) == 400);
      } finally {
        for (BalancerNode node : nodes) {
          node.stop().await(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static double rate(BalancerNode node) {
    return node.metrics().admission("b1").rate();
  }
}
