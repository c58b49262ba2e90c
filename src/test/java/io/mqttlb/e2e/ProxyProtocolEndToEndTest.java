package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.HaproxyProcess;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROXY protocol on both sides of a node, against real HAProxy 2.6 processes:
 *
 * <pre>
 *   client (bound to 127.0.0.66) → HAProxy "upstream" (send-proxy-v2 / send-proxy)
 *       → node listener (acceptProxyProtocol) → node broker b1 (sendProxyProtocol v2) / b2 (v1)
 *       → HAProxy "brokers" (accept-proxy, logs the client address it was told) → Mosquitto b1 / b2
 * </pre>
 *
 * The client's real address travels the whole chain: the brokers' HAProxy logs 127.0.0.66, and a
 * client without client id or user name is routed by that address. The node's health probes
 * send a header too (else the brokers' HAProxy would close them and the brokers would be down). A
 * client that reaches the PROXY listener without a header is refused and opens no broker
 * connection.
 */
@EndToEnd
class ProxyProtocolEndToEndTest {
  private static final String CLIENT_ADDRESS = "127.0.0.66";

  private static MosquittoBroker b1;
  private static MosquittoBroker b2;
  private static HaproxyProcess brokerSide;
  private static HaproxyProcess upstream;
  private static BalancerNode node;
  private static int upstreamV2;
  private static int upstreamV1;

  @BeforeAll
  static void start() throws Exception {
    b1 = MosquittoBroker.start("b1");
    b2 = MosquittoBroker.start("b2");
    int accept1 = Ports.free();
    int accept2 = Ports.free();
    brokerSide = HaproxyProcess.start("""
        frontend to_b1
          bind 127.0.0.1:%d accept-proxy
          log-format "%%ft %%ci"
          default_backend b1
        frontend to_b2
          bind 127.0.0.1:%d accept-proxy
          log-format "%%ft %%ci"
          default_backend b2
        backend b1
          server b1 127.0.0.1:%d
        backend b2
          server b2 127.0.0.1:%d
        """.formatted(accept1, accept2, b1.port(), b2.port()));
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-proxy")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0).withAcceptProxyProtocol(true)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(List.of(
            new BrokerConfig("b1", "127.0.0.1", accept1, 1, ProxyProtocol.V2),
            new BrokerConfig("b2", "127.0.0.1", accept2, 1, ProxyProtocol.V1)))
        // A generous probe timeout: every probe must pass (one without its header would fail at once),
        // and a loaded machine must not turn a slow one into a failure.
        .withHealth(new HealthConfig(Duration.ofMillis(1000), Duration.ofMillis(1000), 1, 1))
        .withLimits(new LimitsConfig(Duration.ofSeconds(1), 4096, 10_000, Duration.ofSeconds(1)));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
    upstreamV2 = Ports.free();
    upstreamV1 = Ports.free();
    upstream = HaproxyProcess.start("""
        listen upstream_v2
          bind 127.0.0.1:%d
          server lb 127.0.0.1:%d send-proxy-v2
        listen upstream_v1
          bind 127.0.0.1:%d
          server lb 127.0.0.1:%d send-proxy
        """.formatted(upstreamV2, node.port(), upstreamV1, node.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (upstream != null) {
        upstream.close();
      }
      if (node != null) {
        node.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      if (brokerSide != null) {
        brokerSide.close();
      }
      b1.close();
      b2.close();
    }
  }

  @Test
  void healthProbesSendTheHeaderSoTheBrokersBehindAcceptProxyAreUp() throws Exception {
    Await.until("b1 and b2 healthy through HAProxy accept-proxy", () -> node.health().isAvailable("b1")
        && node.health().isAvailable("b2") && node.metrics().healthCheckCount("b1", true) >= 2
        && node.metrics().healthCheckCount("b2", true) >= 2);
    assertEquals(0, node.metrics().healthCheckCount("b1", false) + node.metrics().healthCheckCount("b2", false),
        "no probe failed");
  }

  @Test
  void theClientAddressTravelsThroughTheNodeToTheBrokersHaproxy() throws Exception {
    for (int upstreamPort : new int[] {upstreamV2, upstreamV1}) {
      for (int i = 0; i < 6; i++) {
        String clientId = "proxied-" + upstreamPort + "-" + i;
        String expected = node.router().route(clientId, null, CLIENT_ADDRESS).broker().id();
        assertEquals(expected, brokerReached(clientId, upstreamPort), "client " + clientId);
        String frontend = "to_" + expected + " ";
        String logged = brokerSide.awaitLine(line -> line.startsWith(frontend + CLIENT_ADDRESS));
        assertEquals(frontend + CLIENT_ADDRESS, logged);
      }
    }
  }

  @Test
  void aClientWithoutIdOrUserNameIsRoutedByTheAddressInTheHeader() throws Exception {
    String expected = node.router().route("", null, CLIENT_ADDRESS).broker().id();
    assertEquals(CLIENT_ADDRESS, node.router().route("", null, CLIENT_ADDRESS).key().value());
    assertEquals(expected, brokerReached("", upstreamV2));
    assertEquals(expected, brokerReached("", upstreamV1));
  }

  @Test
  void aClientWithoutAHeaderIsRefusedAndOpensNoBrokerConnection() throws Exception {
    double rejected = node.metrics().rejectedCount(Metrics.REASON_PROXY_HEADER);
    double relayed = node.metrics().broker("b1").total() + node.metrics().broker("b2").total();
    Mqtt3BlockingClient direct = Mqtt3Client.builder().identifier("no-header")
        .serverHost("127.0.0.1").serverPort(node.port()).buildBlocking();
    assertThrows(RuntimeException.class, () -> direct.connectWith().cleanSession(true).send());
    // A silent connection is closed at connectTimeout, counted the same way.
    try (Socket silent = new Socket("127.0.0.1", node.port())) {
      silent.setSoTimeout(5000);
      assertEquals(-1, silent.getInputStream().read(), "closed without an answer");
    }
    // A malformed header: closed at once.
    try (Socket garbage = new Socket("127.0.0.1", node.port())) {
      garbage.setSoTimeout(5000);
      garbage.getOutputStream().write("PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = garbage.getInputStream();
      assertEquals(-1, in.read(), "closed without an answer");
    }
    Await.until("three rejections counted", () -> node.metrics().rejectedCount(Metrics.REASON_PROXY_HEADER) >= rejected + 3);
    assertEquals(relayed, node.metrics().broker("b1").total() + node.metrics().broker("b2").total(),
        "no broker connection was opened");
  }

  /** The broker a client bound to {@link #CLIENT_ADDRESS} reaches through {@code port}, as the broker's own marker says. */
  private static String brokerReached(String clientId, int port) throws Exception {
    Mqtt3BlockingClient client = Mqtt3Client.builder().identifier(clientId)
        .transportConfig().serverHost("127.0.0.1").serverPort(port)
        .localAddress(new InetSocketAddress(CLIENT_ADDRESS, 0)).applyTransportConfig()
        .buildBlocking();
    client.connectWith().cleanSession(true).send();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt3Publish> marker = publishes.receive(10, TimeUnit.SECONDS);
      return marker.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("no broker marker for " + clientId));
    } finally {
      client.disconnect();
    }
  }
}
