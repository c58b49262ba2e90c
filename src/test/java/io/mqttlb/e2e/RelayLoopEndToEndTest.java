package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.Ports;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Broker addresses that lead back to the tier must never take a node down. A broker whose address
 * is a name for the node's own listener is seen at dial time: its clients are redispatched to the
 * next broker. Two nodes that each send their clients to the other relay the same CONNECT lap
 * after lap: the loop guard refuses it after a bounded number of laps, which closes the whole chain,
 * and both nodes keep serving.
 */
@EndToEnd
class RelayLoopEndToEndTest {

  @Test
  void aBrokerThatIsTheNodesOwnListenerUnderAnotherNameIsSkipped() throws Exception {
    try (LocalTier tier = LocalTier.start(2)) {
      // "localhost" is not this node's listener address as written, so only the dial can tell.
      tier.node.state().putBroker(new BrokerConfig("b9", "localhost", tier.port(), 1));
      Await.until("b9 on the ring", () -> tier.node.snapshot().ring().indexOf("b9") >= 0);
      RoutingSnapshot snapshot = tier.node.snapshot();
      String clientOfB9 = null;
      for (int i = 0; clientOfB9 == null; i++) {
        String id = "looped-" + i;
        if (tier.node.router().route(id, null, "127.0.0.1").broker().id().equals("b9")) {
          clientOfB9 = id;
        }
      }
      String reached = Clients.brokerReachedMqtt3(clientOfB9, tier.port());
      assertTrue(reached.equals("b1") || reached.equals("b2"), "the client reached a real broker: " + reached
          + " (snapshot epoch " + snapshot.epoch() + ")");
      assertTrue(tier.node.metrics().relayLoopCount(Metrics.LOOP_OWN_LISTENER) >= 1, "the loop is counted");
      assertEquals(0, tier.node.metrics().broker("b9").total(), "nothing was relayed to b9");
    }
  }

  @Test
  void twoNodesThatSendTheirClientsToEachOtherStopTheLoopAndKeepServing() throws Exception {
    try (Socket placeholder = Ports.refusing()) {
      BalancerNode a = startNode("lb-a", new BrokerConfig("placeholder", "127.0.0.1", placeholder.getLocalPort(), 1));
      BalancerNode b = null;
      try {
        b = startNode("lb-b", new BrokerConfig("to-a", "127.0.0.1", a.port(), 1));
        a.state().putBroker(new BrokerConfig("to-b", "127.0.0.1", b.port(), 1));
        a.state().removeBroker("placeholder");
        Await.until("node a routes to node b", () -> a.snapshot().brokers().size() == 1
            && a.snapshot().brokers().get(0).id().equals("to-b"));

        Mqtt3AsyncClient client = Mqtt3Client.builder().identifier("caught-in-a-loop")
            .serverHost("127.0.0.1").serverPort(a.port()).buildAsync();
        ExecutionException refused = assertThrows(ExecutionException.class,
            () -> client.connectWith().cleanSession(true).send().get(20, TimeUnit.SECONDS));
        String why = String.valueOf(refused.getCause());
        assertTrue(why.contains("SERVER_UNAVAILABLE") || why.contains("closed"), "the client is refused: " + why);

        BalancerNode nodeB = b;
        double loops = a.metrics().relayLoopCount(Metrics.LOOP_REPEATED_CONNECT)
            + nodeB.metrics().relayLoopCount(Metrics.LOOP_REPEATED_CONNECT);
        assertTrue(loops >= 1, "the loop is counted");
        // Bounded: each lap costs each node one relayed connection, and the guard stops it after a fixed number.
        double laps = Math.max(a.metrics().broker("to-b").total(), nodeB.metrics().broker("to-a").total());
        assertTrue(laps <= 40, "laps before the loop was cut: " + laps);
        Await.until("every looped connection closed", () -> a.metrics().clientsActive() == 0
            && nodeB.metrics().clientsActive() == 0);
        // Both nodes still answer: the repeated CONNECT is refused again, promptly, not left hanging.
        assertThrows(ExecutionException.class, () -> Mqtt3Client.builder().identifier("second-try")
            .serverHost("127.0.0.1").serverPort(nodeB.port()).buildAsync()
            .connectWith().cleanSession(true).send().get(20, TimeUnit.SECONDS));
      } finally {
        if (b != null) {
          b.stop().await(30, TimeUnit.SECONDS);
        }
        a.stop().await(30, TimeUnit.SECONDS);
      }
    }
  }

  private static BalancerNode startNode(String id, BrokerConfig broker) throws Exception {
    NodeConfig config = NodeConfig.defaults()
        .withNodeId(id)
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(List.of(broker))
        .withLimits(new LimitsConfig(Duration.ofSeconds(5), 4096, 10_000, Duration.ofSeconds(1)))
        // TCP probes: an MQTT probe's own CONNECT would loop too, and blur the count of laps per CONNECT.
        .withHealth(HealthConfig.defaults().withProbe(HealthProbeKind.TCP));
    return BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }
}
