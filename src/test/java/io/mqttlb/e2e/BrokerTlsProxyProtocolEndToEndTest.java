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
import io.mqttlb.testing.TestPki;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker behind a real HAProxy 2.6 that wants a PROXY header and then TLS on the same connection
 * ({@code bind ... accept-proxy ssl crt ...}), added to a running node through the admin API:
 *
 * <pre>
 *   client (bound to 127.0.0.66) → node → PROXY v2 header in the clear, then TLS as haproxy.test
 *       → HAProxy "to_b2" (accept-proxy ssl; logs the client address it was told and the TLS version) → Mosquitto b2
 * </pre>
 *
 * HAProxy's certificate names haproxy.test only, so a handshake that checked the connected address
 * instead of {@code tls.serverName} would fail. The node's health checks take the same path.
 */
@EndToEnd
class BrokerTlsProxyProtocolEndToEndTest {
  private static final String CLIENT_ADDRESS = "127.0.0.66";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static Path dir;
  private static TestPki pki;
  private static MosquittoBroker b1;
  private static MosquittoBroker b2;
  private static HaproxyProcess haproxy;
  private static int haproxyPort;
  private static BalancerNode node;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("mqttlb-broker-tls-proxy");
    pki = TestPki.create(dir, "haproxy");
    TestPki.Issued certificate = pki.server("haproxy", "haproxy.test");
    // HAProxy reads the certificate and its key from one file.
    Path crt = dir.resolve("haproxy.pem");
    Files.writeString(crt, Files.readString(certificate.certPath()) + Files.readString(certificate.keyPath()));
    b1 = MosquittoBroker.start("b1");
    b2 = MosquittoBroker.start("b2");
    haproxyPort = Ports.free();
    haproxy = HaproxyProcess.start("""
        frontend to_b2
          bind 127.0.0.1:%d accept-proxy ssl crt %s
          log-format "%%f %%ci %%sslv"
          default_backend b2
        backend b2
          server b2 127.0.0.1:%d
        """.formatted(haproxyPort, crt, b2.port()));
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-tls-proxy")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", b1.port(), 1)))
        .withHealth(new HealthConfig(Duration.ofMillis(300), Duration.ofMillis(250), 1, 1))
        .withLimits(new LimitsConfig(Duration.ofSeconds(2), 4096, 10_000, Duration.ofSeconds(2)));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (node != null) {
        node.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      if (haproxy != null) {
        haproxy.close();
      }
      b1.close();
      b2.close();
    }
  }

  @Test
  void aBrokerAddedWithAHeaderAndTlsGetsTheHeaderInTheClearThenTlsFromClientsAndProbes() throws Exception {
    String body = new JsonObject().put("address", "127.0.0.1:" + haproxyPort).put("sendProxyProtocol", "v2")
        .put("tls", new JsonObject().put("caPath", pki.caPath().toString()).put("serverName", "haproxy.test"))
        .encode();
    HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + node.adminPort() + "/api/v1/brokers/b2"))
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());

    Await.until("b2's health checks pass through HAProxy's accept-proxy ssl",
        () -> node.metrics().healthCheckCount("b2", true) >= 2);
    assertEquals(0, node.metrics().broker("b2").tlsFailureCount(Metrics.TLS_BY_PROBE));

    int landed = 0;
    for (int i = 0; landed < 4; i++) {
      String clientId = "proxied-tls-" + i;
      String expected = node.router().route(clientId, null, CLIENT_ADDRESS).broker().id();
      assertEquals(expected, brokerReached(clientId), "client " + clientId);
      if (expected.equals("b2")) {
        landed++;
      }
    }
    // HAProxy logs a connection when it ends: one line per client, with the address of its PROXY header.
    String clientLine = "to_b2 " + CLIENT_ADDRESS + " ";
    int clients = landed;
    Await.until("HAProxy logged the clients", () -> haproxy.lines().stream().filter(l -> l.startsWith(clientLine)).count() >= clients);
    for (String line : haproxy.lines()) {
      assertTrue(line.matches("to_b2 127\\.0\\.0\\.(66|1) TLSv1\\.[23]"), "TLS behind the header: " + line);
    }
    assertEquals(0, node.metrics().broker("b2").tlsFailureCount(Metrics.TLS_BY_RELAY));
    assertEquals(ProxyProtocol.V2, node.snapshot().broker("b2").sendProxyProtocol());
  }

  /** The broker a client bound to {@link #CLIENT_ADDRESS} reaches through the node, as the broker's own marker says. */
  private static String brokerReached(String clientId) throws Exception {
    Mqtt3BlockingClient client = Mqtt3Client.builder().identifier(clientId)
        .transportConfig().serverHost("127.0.0.1").serverPort(node.port())
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
