package io.mqttlb.e2e;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.HashRing;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RingMember;
import io.mqttlb.testing.MosquittoBroker;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Real Mosquitto brokers {@code b1..bN} and one real node in front of them, on loopback with
 * ephemeral ports and short limits. The expected ring is built here from the node's broker list,
 * independently of the node's own router.
 */
final class LocalTier implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final int MAX_CONNECT_BYTES = 4096;

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final List<MosquittoBroker> brokers;
  final BalancerNode node;
  private final HashRing ring;

  private LocalTier(List<MosquittoBroker> brokers, BalancerNode node) {
    this.brokers = brokers;
    this.node = node;
    List<RingMember> members = new ArrayList<>();
    for (BrokerConfig broker : node.config().brokers()) {
      members.add(new RingMember(broker.id(), broker.weight()));
    }
    this.ring = HashRing.build(members, node.config().routing().virtualNodes());
  }

  static LocalTier start(int brokerCount) throws Exception {
    return start(brokerCount, UnaryOperator.identity());
  }

  /** @param customize changes to the test node's configuration (limits, extra brokers, ...) */
  static LocalTier start(int brokerCount, UnaryOperator<NodeConfig> customize) throws Exception {
    return start(brokerCount, MosquittoBroker::start, customize);
  }

  /** @param startBroker starts broker {@code b1}, {@code b2}, ... by its id, e.g. {@link MosquittoBroker#startLoggingConnects} */
  static LocalTier start(int brokerCount, Function<String, MosquittoBroker> startBroker,
                         UnaryOperator<NodeConfig> customize) throws Exception {
    List<MosquittoBroker> brokers = new ArrayList<>();
    try {
      List<BrokerConfig> configs = new ArrayList<>();
      for (int i = 1; i <= brokerCount; i++) {
        MosquittoBroker broker = startBroker.apply("b" + i);
        brokers.add(broker);
        configs.add(new BrokerConfig(broker.id(), "127.0.0.1", broker.port(), 1));
      }
      NodeConfig config = NodeConfig.defaults()
          .withNodeId("lb-test")
          .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
          .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
          .withBrokers(configs)
          .withLimits(new LimitsConfig(CONNECT_TIMEOUT, MAX_CONNECT_BYTES, 10_000, Duration.ofSeconds(1)));
      BalancerNode node = BalancerNode.start(customize.apply(config)).await(30, TimeUnit.SECONDS);
      return new LocalTier(brokers, node);
    } catch (Exception | Error e) {
      brokers.forEach(MosquittoBroker::close);
      throw e;
    }
  }

  /** The client port of the node. */
  int port() {
    return node.port();
  }

  MosquittoBroker broker(String id) {
    return brokers.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
  }

  /** The broker the ring gives a key to when every broker is up. */
  String ringOwner(String key) {
    return ring.memberId(ring.lookup(RingHash.hashKey(key)));
  }

  /** The broker the ring gives a key to when {@code down} is skipped: its ring successor. */
  String ringOwnerWithout(String key, String down) {
    int skipped = ring.indexOf(down);
    return ring.memberId(ring.lookup(RingHash.hashKey(key), i -> i != skipped));
  }

  /** The broker the node's admin API ({@code GET /api/v1/route}) names for a client id. */
  String routeApiBroker(String clientId) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort()
        + "/api/v1/route?clientId=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new AssertionError("route API: " + answer.statusCode() + " " + answer.body());
    }
    return new JsonObject(answer.body()).getString("broker");
  }

  /** A GET of the node's admin API ({@code /api/v1/...?...}, already encoded): its JSON answer, which must be a 200. */
  JsonObject adminGet(String pathAndQuery) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort()
        + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new AssertionError(pathAndQuery + ": " + answer.statusCode() + " " + answer.body());
    }
    return new JsonObject(answer.body());
  }

  @Override
  public void close() throws Exception {
    try {
      node.stop().await(30, TimeUnit.SECONDS);
    } finally {
      brokers.forEach(MosquittoBroker::close);
    }
  }
}
