package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.HashRing;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RingMember;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.MosquittoListeners;
import io.mqttlb.testing.Ports;
import io.mqttlb.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node relaying to brokers that accept only TLS, against real Mosquitto TLS listeners:
 *
 * <pre>
 *   b1  Mosquitto b1's TLS port, certificate from the trusted CA for 127.0.0.1 and broker.test
 *   b2  Mosquitto b2, plain TCP
 *   b3  Mosquitto b3's TLS port, certificate from another CA: not trusted
 *   b4  Mosquitto b1's TLS port again, with serverName wrong.test: the certificate does not name it
 * </pre>
 *
 * The node knows only the TLS ports of b1 and b3, so a client that lands there went through TLS.
 * Clients of b3 and b4 fail over to the next broker clockwise. On this node health checks never
 * take a broker down (the interval is long and fall is high), so that each failed connect is seen
 * as such; a second node with frequent checks (over TLS too) shows them take b3 and b4 down.
 */
@EndToEnd
class BrokerTlsEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static Path dir;
  private static TestPki trusted;
  private static MosquittoBroker b1;
  private static MosquittoBroker b2;
  private static MosquittoBroker b3;
  private static NodeConfig config;
  private static BalancerNode node;
  private static HashRing ring;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("mqttlb-broker-tls");
    trusted = TestPki.create(dir, "trusted");
    TestPki other = TestPki.create(dir, "other");
    int tls1 = Ports.free();
    int tls3 = Ports.free();
    b1 = MosquittoBroker.start("b1",
        MosquittoListeners.tls(tls1, trusted.server("b1", "127.0.0.1", "broker.test"), trusted.caPath()));
    b2 = MosquittoBroker.start("b2");
    b3 = MosquittoBroker.start("b3",
        MosquittoListeners.tls(tls3, other.server("b3", "127.0.0.1"), other.caPath()));
    String ca = trusted.caPath().toString();
    List<BrokerConfig> brokers = List.of(
        new BrokerConfig("b1", "127.0.0.1", tls1, 1).withTls(new BrokerTlsConfig(ca, null, true)),
        new BrokerConfig("b2", "127.0.0.1", b2.port(), 1),
        new BrokerConfig("b3", "127.0.0.1", tls3, 1).withTls(new BrokerTlsConfig(ca, null, true)),
        new BrokerConfig("b4", "127.0.0.1", tls1, 1).withTls(new BrokerTlsConfig(ca, "wrong.test", true)));
    config = NodeConfig.defaults()
        .withNodeId("lb-tls")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(brokers)
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(2), 1, 1000, HealthProbeKind.MQTT))
        .withLimits(new LimitsConfig(Duration.ofSeconds(2), 4096, 10_000, Duration.ofSeconds(2)));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
    List<RingMember> members = new ArrayList<>();
    brokers.forEach(b -> members.add(new RingMember(b.id(), b.weight())));
    ring = HashRing.build(members, config.routing().virtualNodes());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (node != null) {
        node.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      for (MosquittoBroker broker : new MosquittoBroker[] {b1, b2, b3}) {
        if (broker != null) {
          broker.close();
        }
      }
    }
  }

  /** Keys the full ring gives to {@code owner}. */
  private static List<String> keysOf(String owner, String prefix, int count) {
    return keysOf(owner, prefix, count, key -> true);
  }

  private static List<String> keysOf(String owner, String prefix, int count, Predicate<String> also) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      String key = prefix + i;
      if (ring.memberId(ring.lookup(RingHash.hashKey(key))).equals(owner) && also.test(key)) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** Where a key lands when the failing brokers are skipped. */
  private static String ownerWithout(String key, Set<String> failing) {
    return ring.memberId(ring.lookup(RingHash.hashKey(key), i -> !failing.contains(ring.memberId(i))));
  }

  @Test
  void clientsOfTheTlsBrokerLandThereThroughAPlainListenerAndExchangeMessages() throws Exception {
    List<String> keys = keysOf("b1", "tls-", 4);
    for (String key : keys.subList(0, 3)) {
      assertEquals("b1", Clients.brokerReachedMqtt3(key, node.port()), "MQTT 3.1.1 client " + key);
    }
    assertEquals("b1", Clients.brokerReachedMqtt5(keys.get(3), node.port()), "MQTT 5 client " + keys.get(3));

    // A message from one client of b1 to another, both relayed over TLS.
    Mqtt3BlockingClient subscriber = Clients.mqtt3(keys.get(0), node.port());
    Mqtt3BlockingClient publisher = Clients.mqtt3(keys.get(1), node.port());
    subscriber.connectWith().cleanSession(true).send();
    publisher.connectWith().cleanSession(true).send();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
      subscriber.subscribeWith().topicFilter("tls/test").qos(MqttQos.AT_LEAST_ONCE).send();
      byte[] payload = new byte[20_000]; // more than one TLS record
      for (int i = 0; i < payload.length; i++) {
        payload[i] = (byte) i;
      }
      publisher.publishWith().topic("tls/test").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
      Optional<Mqtt3Publish> received = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertTrue(received.isPresent(), "the message arrived");
      assertEquals(new String(payload, StandardCharsets.ISO_8859_1),
          new String(received.get().getPayloadAsBytes(), StandardCharsets.ISO_8859_1));
    } finally {
      subscriber.disconnect();
      publisher.disconnect();
    }
    assertEquals(0, node.metrics().broker("b1").tlsFailureCount(Metrics.TLS_BY_RELAY));
    assertEquals(0, node.metrics().broker("b1").tlsFailureCount(Metrics.TLS_BY_PROBE));
    Await.until("b1's first TLS health check passed", () -> node.metrics().healthCheckCount("b1", true) >= 1);
    assertTrue(node.health().isAvailable("b1"));
  }

  @Test
  void anUntrustedCertificateFailsTheConnectAndTheClientGoesToTheNextBroker() throws Exception {
    failingBrokerIsPassedOver("b3", "untrusted-");
  }

  @Test
  void aCertificateThatDoesNotNameTheServerNameFailsTheConnectAndTheClientGoesToTheNextBroker() throws Exception {
    failingBrokerIsPassedOver("b4", "misnamed-");
  }

  private static void failingBrokerIsPassedOver(String failing, String prefix) throws Exception {
    Metrics.BrokerMeters meters = node.metrics().broker(failing);
    // A client whose next broker clockwise is a good one: its one failed connect is this broker's.
    String first = keysOf(failing, prefix, 1, key -> Set.of("b1", "b2").contains(ownerWithout(key, Set.of(failing))))
        .get(0);
    assertEquals(ownerWithout(first, Set.of("b3", "b4")), Clients.brokerReachedMqtt3(first, node.port()),
        "client " + first);
    assertTrue(meters.tlsFailureCount(Metrics.TLS_BY_RELAY) >= 1, "the failed handshake is counted");
    assertTrue(meters.redispatchCount() >= 1, "the client was redispatched");
    assertTrue(node.metrics().scrape().contains("mqttlb_broker_tls_failures_total{broker=\"" + failing + "\",by=\"relay\"}"));

    // Suspect now: its next clients go straight to the next broker.
    for (String key : keysOf(failing, prefix + "after-", 3)) {
      assertEquals(ownerWithout(key, Set.of("b3", "b4")), Clients.brokerReachedMqtt3(key, node.port()), "client " + key);
    }
    assertEquals(0, meters.total(), "no client was ever relayed to " + failing);
  }

  @Test
  void healthChecksOverTlsTakeTheBrokersWhoseCertificatesDoNotVerifyDown() throws Exception {
    BalancerNode checking = BalancerNode.start(config.withNodeId("lb-tls-checks")
        .withHealth(new HealthConfig(Duration.ofMillis(300), Duration.ofMillis(300), 1, 2, HealthProbeKind.MQTT)))
        .await(30, TimeUnit.SECONDS);
    try {
      Await.until("b3 and b4 down", () -> !checking.health().isAvailable("b3") && !checking.health().isAvailable("b4"));
      for (String failing : List.of("b3", "b4")) {
        assertTrue(checking.metrics().broker(failing).tlsFailureCount(Metrics.TLS_BY_PROBE) >= 2, failing);
        String metrics = checking.metrics().scrape();
        assertTrue(metrics.contains("mqttlb_broker_tls_failures_total{broker=\"" + failing + "\",by=\"probe\"}"), metrics);
        assertTrue(metrics.contains("mqttlb_broker_up{broker=\"" + failing + "\"} 0"), metrics);
      }
      // The checks of b1 run on their own timer: two failures of b3 and b4 do not mean two passes of b1 yet.
      Await.until("two of b1's TLS checks passed", () -> checking.metrics().healthCheckCount("b1", true) >= 2);
      assertTrue(checking.health().isAvailable("b1") && checking.health().isAvailable("b2"), "b1 and b2 stay up");
      assertEquals(0, checking.metrics().broker("b1").tlsFailureCount(Metrics.TLS_BY_PROBE));
    } finally {
      checking.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theBrokersCallShowsEachBrokersTlsSettings() throws Exception {
    String brokers = get("/api/v1/brokers");
    io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray(brokers);
    for (Object item : list) {
      io.vertx.core.json.JsonObject broker = (io.vertx.core.json.JsonObject) item;
      switch (broker.getString("id")) {
        case "b1" -> assertEquals(new io.vertx.core.json.JsonObject().put("caPath", trusted.caPath().toString())
            .putNull("serverName").put("verify", true), broker.getJsonObject("tls"));
        case "b2" -> {
          assertTrue(broker.containsKey("tls"), broker.encode());
          assertEquals(null, broker.getValue("tls"));
        }
        case "b3" -> assertEquals(null, broker.getJsonObject("tls").getValue("serverName"));
        case "b4" -> assertEquals("wrong.test", broker.getJsonObject("tls").getString("serverName"));
        default -> throw new AssertionError("unexpected broker " + broker.encode());
      }
    }
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }
}
