package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ClientAuth;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.config.RoutingConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.ProxyHeaderRecorder;
import io.mqttlb.testing.ProxyHeaderRecorder.Received;
import io.mqttlb.testing.TestPki;
import io.mqttlb.testing.TlsClients;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code routing.key: certificate-cn} end to end, with real Mosquitto brokers and the HiveMQ client
 * presenting certificates of a test CA (or none) to a mutual-TLS listener ({@code clientAuth: request}):
 *
 * <pre>
 *   client → node: tcp, mqtts → b1: PROXY v2 → {@link ProxyHeaderRecorder} → Mosquitto b1
 *                             → b2: Mosquitto b2
 * </pre>
 *
 * Where a client landed is read on the broker side (each broker's retained marker) and compared
 * with what the route API names; what b1 was told in its PROXY v2 header is read by Netty's decoder
 * in the recorder. Each client binds its own loopback address, so that its header can be told apart.
 */
@EndToEnd
class CertificateRoutingEndToEndTest {
  @TempDir
  static Path dir;
  private static TestPki pki;
  private static MosquittoBroker b1;
  private static MosquittoBroker b2;
  private static ProxyHeaderRecorder toB1;
  private static BalancerNode node;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "cn-e2e");
    TestPki.Issued listenerCertificate = pki.server("listener", "localhost", "127.0.0.1");
    b1 = MosquittoBroker.start("b1");
    b2 = MosquittoBroker.start("b2");
    toB1 = new ProxyHeaderRecorder(b1.port());
    // Client certificates are asked for, not required: a client without one falls back to its client id.
    TlsConfig mutualTls = TlsConfig.of(listenerCertificate.certPath().toString(), listenerCertificate.keyPath().toString())
        .withClientAuth(pki.caPath().toString(), ClientAuth.REQUEST);
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-cn")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0),
            new ListenerConfig("mqtts", "127.0.0.1", 0).withTls(mutualTls)))
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

  @Test
  void twoClientsWithOneClientIdLandWhereTheRouteApiSendsTheirCns() throws Exception {
    String cnOfB1 = cnRoutedTo("b1");
    String cnOfB2 = cnRoutedTo("b2");
    assertEquals("b1", brokerReached(tlsClient("shared-id", pki.client(cnOfB1, cnOfB1), "127.0.0.72")));
    assertEquals("b2", brokerReached(tlsClient("shared-id", pki.client(cnOfB2, cnOfB2), "127.0.0.73")));
  }

  @Test
  void aClientWithoutCertificateFallsBackToItsClientId() throws Exception {
    for (String broker : List.of("b1", "b2")) {
      String clientId = clientIdOwnedBy(broker, "no-certificate-");
      JsonObject route = routeApi("clientId=" + clientId);
      assertEquals("client-id", route.getString("keySource"));
      assertEquals(broker, route.getString("broker"));
      assertEquals(broker, brokerReached(tlsClient(clientId, null, "127.0.0.74")));
    }
  }

  @Test
  void theBrokersHeaderCarriesTheVerifiedCn() throws Exception {
    String cn = cnRoutedTo("b1", "header-");
    assertEquals("b1", brokerReached(tlsClient("any-id", pki.client(cn, cn), "127.0.0.75")));
    Received header = toB1.await("b1's header for " + cn, h -> h.sourceAddress().equals("127.0.0.75"));
    assertEquals(cn, header.commonName(), header.toString());
    assertEquals(Received.PP2_CLIENT_SSL | Received.PP2_CLIENT_CERT_CONN | Received.PP2_CLIENT_CERT_SESS,
        header.sslClient(), header.toString());
    assertEquals(0, header.sslVerify(), "verified");
    assertEquals("TLSv1.3", header.ssl().get(Received.PP2_SUBTYPE_SSL_VERSION));
    assertTrue(header.ssl().get(Received.PP2_SUBTYPE_SSL_CIPHER).startsWith("TLS_"), header.toString());
    assertEquals("EC256", header.ssl().get(Received.PP2_SUBTYPE_SSL_KEY_ALG), "the listener's own certificate");
    assertEquals("ecdsa-with-SHA256", header.ssl().get(Received.PP2_SUBTYPE_SSL_SIG_ALG));
  }

  @Test
  void inTableModeAnOverrideForACnMovesItsClient() throws Exception {
    String cn = cnRoutedTo("b2", "pinned-");
    try {
      node.state().setMode(RoutingMode.TABLE);
      node.state().putOverride(cn, "b1", null);
      Await.until("the override routes " + cn, () -> node.router().route("x", null, null, cn).broker().id().equals("b1"));
      assertEquals("b1", brokerReached(tlsClient("whatever-id", pki.client(cn, cn), "127.0.0.77")));
    } finally {
      node.state().removeEntry(cn);
      node.state().setMode(RoutingMode.HASH);
    }
  }

  @Test
  void aClientWithoutCertificateIsToldAsUnverifiedWithoutCn() throws Exception {
    String clientId = clientIdOwnedBy("b1", "told-without-certificate-");
    assertEquals("b1", brokerReached(tlsClient(clientId, null, "127.0.0.76")));
    Received header = toB1.await("b1's header for " + clientId, h -> h.sourceAddress().equals("127.0.0.76"));
    assertEquals(Received.PP2_CLIENT_SSL, header.sslClient(), header.toString());
    assertTrue(header.sslVerify() != 0, header.toString());
    assertEquals(null, header.commonName());
  }

  /** The node's answer to {@code GET /api/v1/route?QUERY}. */
  private static JsonObject routeApi(String query) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.adminPort() + "/api/v1/route?" + query)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject(answer.body());
  }

  /** A CN the route API sends to {@code brokerId}, whatever the client id. */
  private static String cnRoutedTo(String brokerId) throws Exception {
    return cnRoutedTo(brokerId, "device-");
  }

  private static String cnRoutedTo(String brokerId, String prefix) throws Exception {
    for (int i = 0; ; i++) {
      String cn = prefix + i;
      JsonObject route = routeApi("clientId=shared-id&certificateCn=" + cn);
      assertEquals("certificate-cn", route.getString("keySource"));
      if (route.getString("broker").equals(brokerId)) {
        return cn;
      }
    }
  }

  /**
   * An MQTT 3.1.1 client of the TLS listener, bound to {@code localAddress} so that the broker's header can be
   * told apart, presenting {@code certificate} (none when null).
   */
  private static Mqtt3Client tlsClient(String clientId, TestPki.Issued certificate, String localAddress) {
    MqttClientSslConfig ssl = certificate == null ? TlsClients.ssl(pki.caPath()) : TlsClients.ssl(pki.caPath(), certificate);
    return Mqtt3Client.builder().identifier(clientId)
        .transportConfig().serverHost("localhost").serverPort(node.listenerPorts().get("mqtts"))
        .localAddress(new InetSocketAddress(localAddress, 0)).sslConfig(ssl).applyTransportConfig().build();
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
