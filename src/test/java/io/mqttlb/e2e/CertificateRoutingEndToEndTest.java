package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.config.RoutingConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.ProxyHeaderRecorder;
import io.mqttlb.testing.ProxyHeaderRecorder.Received;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code routing.key: certificate-cn} end to end, with real Mosquitto brokers and the HiveMQ client:
 *
 * <pre>
 *   client → node (routing.key certificate-cn) → b1: PROXY v2 → {@link ProxyHeaderRecorder} → Mosquitto b1
 *                                              → b2: Mosquitto b2
 * </pre>
 *
 * Where a client landed is read on the broker side (each broker's retained marker), what the
 * broker was told in its PROXY v2 header is read by Netty's decoder in the recorder.
 */
class CertificateRoutingEndToEndTest {
  private static MosquittoBroker b1;
  private static MosquittoBroker b2;
  private static ProxyHeaderRecorder toB1;
  private static BalancerNode node;

  @BeforeAll
  static void start() throws Exception {
    b1 = MosquittoBroker.start("b1");
    b2 = MosquittoBroker.start("b2");
    toB1 = new ProxyHeaderRecorder(b1.port());
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-cn")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(List.of(
            new BrokerConfig("b1", "127.0.0.1", toB1.port(), 1, ProxyProtocol.V2),
            new BrokerConfig("b2", "127.0.0.1", b2.port(), 1)))
        .withRouting(RoutingConfig.defaults().withKey(KeyField.CERTIFICATE_CN))
        .withHealth(new HealthConfig(Duration.ofMillis(300), Duration.ofMillis(250), 1, 1));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (node != null) {
        node.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      if (toB1 != null) {
        toB1.close();
      }
      b1.close();
      b2.close();
    }
  }

  /** A client id whose ring owner is {@code brokerId}, for a client without a certificate. */
  private static String clientIdOwnedBy(String brokerId, String prefix) {
    for (int i = 0; ; i++) {
      String id = prefix + i;
      if (node.router().route(id, null, null).broker().id().equals(brokerId)) {
        return id;
      }
    }
  }

  @Test
  void aClientOnAPlainListenerIsRoutedByItsClientIdAndItsHeaderSaysNothingOfTls() throws Exception {
    String clientId = clientIdOwnedBy("b1", "plain-");
    RouteDecision expected = node.router().route(clientId, null, null);
    assertEquals("client-id", expected.key().source().label());
    Mqtt3Client client = Mqtt3Client.builder().identifier(clientId)
        .transportConfig().serverHost("127.0.0.1").serverPort(node.port())
        .localAddress(new InetSocketAddress("127.0.0.71", 0)).applyTransportConfig().build();
    assertEquals("b1", brokerReached(client));
    Received header = toB1.await("b1's header for " + clientId, h -> h.sourceAddress().equals("127.0.0.71"));
    assertEquals(-1, header.sslClient(), "no PP2_TYPE_SSL TLV: " + header);
    assertTrue(header.ssl().isEmpty());
  }

  /** Connects {@code client} with a clean session, reads the broker's retained marker and disconnects. */
  private static String brokerReached(Mqtt3Client client) throws InterruptedException {
    Mqtt3BlockingClient blocking = client.toBlocking();
    blocking.connectWith().cleanSession(true).send();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = blocking.publishes(MqttGlobalPublishFilter.ALL)) {
      blocking.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt3Publish> marker = publishes.receive(10, TimeUnit.SECONDS);
      return marker.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("no broker marker"));
    } finally {
      blocking.disconnect();
    }
  }
}
