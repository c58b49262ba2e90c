package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.config.TlsProvider;
import io.mqttlb.config.WebSocketConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.HaproxyProcess;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import io.mqttlb.testing.MosquittoClients;
import io.mqttlb.testing.TestPki;
import io.mqttlb.testing.TlsClients;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS termination with real clients that verify the node's certificate and host name: Mosquitto's
 * {@code mosquitto_sub}/{@code mosquitto_pub} ({@code --cafile}, connecting to {@code localhost}) and
 * the HiveMQ client (MQTT 3.1.1 and 5). One node, two Mosquitto brokers, four TLS listeners: each
 * TLS engine (BoringSSL through {@code openssl}, and {@code jdk}) with a chain file and an EC key in
 * PKCS#8, and with an RSA key in PKCS#1. Each client lands on the broker that the node's route API
 * names for its client id, as the broker itself says (its retained marker). A fifth listener takes a
 * PROXY header before TLS, from a real HAProxy that passes the client's TLS through untouched; two
 * more carry MQTT over WebSocket over TLS ({@code wss://}).
 */
@EndToEnd
class TlsEndToEndTest {
  @TempDir
  static Path dir;
  private static TestPki pki;
  private static LocalTier tier;
  private static HaproxyProcess upstream;
  private static int upstreamPort;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "e2e");
    TestPki.Issued ec = pki.server("ec", "localhost", "127.0.0.1");
    Path ecChain = pki.chain(ec, "ec");
    TestPki.Issued rsa = pki.serverWithPkcs1Key("rsa", "localhost", "127.0.0.1");
    TlsConfig chainFile = TlsConfig.of(ecChain.toString(), ec.keyPath().toString());
    TlsConfig pkcs1 = TlsConfig.of(rsa.certPath().toString(), rsa.keyPath().toString());
    tier = LocalTier.start(2, config -> config.withListeners(List.of(
        tls("openssl-chain", chainFile.withProvider(TlsProvider.OPENSSL)),
        tls("jdk-chain", chainFile.withProvider(TlsProvider.JDK)),
        tls("openssl-pkcs1", pkcs1.withProvider(TlsProvider.OPENSSL)),
        tls("jdk-pkcs1", pkcs1.withProvider(TlsProvider.JDK)),
        tls("proxied", chainFile).withAcceptProxyProtocol(true),
        tls("wss-openssl", chainFile.withProvider(TlsProvider.OPENSSL)).withWebSocket(WebSocketConfig.defaults()),
        tls("wss-jdk", pkcs1.withProvider(TlsProvider.JDK)).withWebSocket(WebSocketConfig.defaults()))));
    upstreamPort = Ports.free();
    upstream = HaproxyProcess.start("""
        listen upstream
          bind 127.0.0.1:%d
          server lb 127.0.0.1:%d send-proxy-v2
        """.formatted(upstreamPort, port("proxied")));
  }

  static ListenerConfig tls(String name, TlsConfig tls) {
    return new ListenerConfig(name, "127.0.0.1", 0).withTls(tls);
  }

  @AfterAll
  static void stop() throws Exception {
    if (upstream != null) {
      upstream.close();
    }
    if (tier != null) {
      tier.close();
    }
  }

  static int port(String listener) {
    return tier.node.listenerPorts().get(listener);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"openssl-chain", "jdk-chain", "openssl-pkcs1", "jdk-pkcs1"})
  void mosquittoClientsPublishAndReceiveOverTls(String listener) throws Exception {
    String port = String.valueOf(port(listener));
    String ca = pki.caPath().toString();
    String subscriberId = "sub-" + listener;
    String broker = tier.routeApiBroker(subscriberId);
    String publisherId = sameBroker("pub-" + listener, broker);
    String topic = "tls/" + listener;
    double handshakes = tier.node.metrics().tls(listener).handshakeCount("TLSv1.3");
    try (MosquittoClients.Subscriber subscriber = MosquittoClients.subscribe("-h", "localhost", "-p", port,
        "--cafile", ca, "-i", subscriberId, "-q", "1", "-v", "-t", "mqttlb/broker", "-t", topic)) {
      // The retained marker arrives once the subscription stands: the broker, in its own words.
      assertEquals("mqttlb/broker " + broker, subscriber.nextLine());
      MosquittoClients.Run published = MosquittoClients.publish("-h", "localhost", "-p", port, "--cafile", ca,
          "-i", publisherId, "-q", "1", "-t", topic, "-m", "hello over " + listener);
      assertEquals(0, published.exitCode(), published.output());
      assertEquals(topic + " hello over " + listener, subscriber.nextLine());
    }
    assertTrue(tier.node.metrics().tls(listener).handshakeCount("TLSv1.3") >= handshakes + 2,
        "both handshakes counted as TLS 1.3");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"openssl-chain", "jdk-chain", "openssl-pkcs1", "jdk-pkcs1"})
  void hivemqClientsOverTlsLandWhereTheRouteApiSays(String listener) throws Exception {
    MqttClientSslConfig ssl = TlsClients.ssl(pki.caPath());
    for (int i = 0; i < 3; i++) {
      String v3 = "hive3-" + listener + "-" + i;
      assertEquals(tier.routeApiBroker(v3), TlsClients.brokerReachedMqtt3(v3, port(listener), ssl), v3);
      String v5 = "hive5-" + listener + "-" + i;
      assertEquals(tier.routeApiBroker(v5), TlsClients.brokerReachedMqtt5(v5, port(listener), ssl), v5);
    }
    assertEquals(0, tier.node.metrics().rejectedCount(Metrics.REASON_TLS_HANDSHAKE), "no handshake failed");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"wss-openssl", "wss-jdk"})
  void hivemqClientsOverWebSocketOverTls(String listener) throws Exception {
    MqttClientSslConfig ssl = TlsClients.ssl(pki.caPath());
    String v3 = "wss3-" + listener;
    Mqtt3BlockingClient client3 = Mqtt3Client.builder().identifier(v3).serverHost("localhost").serverPort(port(listener))
        .sslConfig(ssl).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
    assertEquals(tier.routeApiBroker(v3), markerOf(client3));
    String v5 = "wss5-" + listener;
    Mqtt5BlockingClient client5 = Mqtt5Client.builder().identifier(v5).serverHost("localhost").serverPort(port(listener))
        .sslConfig(ssl).webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
    client5.connect();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client5.publishes(MqttGlobalPublishFilter.ALL)) {
      client5.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      assertEquals(tier.routeApiBroker(v5), publishes.receive(10, TimeUnit.SECONDS)
          .map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).orElse(null));
    } finally {
      client5.disconnect();
    }
    assertEquals(2, tier.node.metrics().tls(listener).handshakeCount("TLSv1.3"));
  }

  /** Connects with a clean session, reads the broker's retained marker, disconnects. */
  private static String markerOf(Mqtt3BlockingClient client) throws InterruptedException {
    client.connectWith().cleanSession(true).send();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      return publishes.receive(10, TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElse(null);
    } finally {
      client.disconnect();
    }
  }

  @Test
  void aProxyHeaderBeforeTheTlsHandshakeGivesTheClientAddress() throws Exception {
    String clientAddress = "127.0.0.66";
    // No client id: the node routes by the client's address, which only the PROXY header carries.
    String expected = tier.node.router().route("", null, clientAddress).broker().id();
    Mqtt3BlockingClient client = Mqtt3Client.builder().identifier("")
        .transportConfig().serverHost("localhost").serverPort(upstreamPort)
        .localAddress(new InetSocketAddress(clientAddress, 0)).sslConfig(TlsClients.ssl(pki.caPath())).applyTransportConfig()
        .buildBlocking();
    assertEquals(expected, markerOf(client));
    assertEquals(1, tier.node.metrics().tls("proxied").handshakeCount("TLSv1.3"));
  }

  /** A client id, starting with {@code prefix}, that the route API sends to {@code broker}. */
  private static String sameBroker(String prefix, String broker) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (tier.routeApiBroker(prefix + "-" + i).equals(broker)) {
        return prefix + "-" + i;
      }
    }
    throw new AssertionError("no client id " + prefix + "-N goes to " + broker);
  }
}
