package io.mqttlb.cluster;

import static io.mqttlb.cluster.ClusterTier.NODES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.mqttlb.routing.HashRing;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes in three JVMs, three Mosquitto brokers: every node routes every client the same way,
 * and a client with a persistent session finds it through whichever node it reconnects.
 */
@EndToEnd
class ClusterRoutingIT {
  static ClusterTier tier;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTier() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults().withMode("hash"));
  }

  /** Tests share the tier: each leaves it in hash mode, with its brokers at weight 1 and an empty table. */
  @AfterEach
  void resetTier() throws Exception {
    tier.reset();
  }

  @AfterAll
  static void stopTier() {
    if (tier != null) {
      tier.close();
    }
  }

  /** Client ids of many shapes (short, long, unicode, reserved URL characters), the same every run. */
  static List<String> clientIds(int count, long seed) {
    Random random = new Random(seed);
    String alphabet = "abcXYZ019-_/+#&=?%. é€漢😀";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (i % 5 != 0) {
        ids.add("client-" + i);
        continue;
      }
      StringBuilder id = new StringBuilder();
      int length = 1 + random.nextInt(i % 50 == 0 ? 300 : 24);
      int[] codePoints = alphabet.codePoints().toArray();
      for (int c = 0; c < length; c++) {
        id.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
      }
      ids.add(id.append('~').append(i).toString()); // unique
    }
    return ids;
  }

  @Test
  void hashModeRoutesOfFiveThousandClientsAgreeOnAllNodesAndFollowTheRing() throws Exception {
    List<String> ids = clientIds(5000, 1);
    HashRing ring = ClusterTier.expectedRing(ClusterTier.equalWeights());
    Map<String, String> expected = new HashMap<>();
    for (String id : ids) {
      expected.put(id, ClusterTier.ringOwner(ring, id) + "/ring");
    }
    Map<String, Integer> perBroker = new TreeMap<>();
    expected.values().forEach(v -> perBroker.merge(v, 1, Integer::sum));
    assertEquals(3, perBroker.size(), "the ids spread over all brokers: " + perBroker);

    for (int node = 1; node <= NODES; node++) {
      assertEquals("hash", tier.mode(node));
      Map<String, String> answers = tier.routes(node, ids);
      assertSameRoutes(expected, answers, "lb-" + node);
    }
  }

  /**
   * Table mode with all three sources in play: overrides set through node 1, sticky entries written
   * by real clients that connected through all three nodes, and a broker re-weighted afterwards so
   * that the ring disagrees with some sticky entries. Every node answers every id as the table and
   * the new ring say.
   */
  @Test
  void tableModeRoutesOfFiveThousandClientsAgreeOnAllNodesAcrossOverridesStickyEntriesAndRing() throws Exception {
    List<String> ids = clientIds(5000, 2);
    tier.setMode(1, "table");
    tier.awaitAll(java.time.Duration.ofSeconds(5), "table mode", n -> tier.mode(n).equals("table"));
    HashRing equalRing = ClusterTier.expectedRing(ClusterTier.equalWeights());

    // Sticky entries: 30 real clients, ten through each node; each reaches its ring owner.
    Map<String, String> reached = new TreeMap<>();
    for (int i = 0; reached.size() < 30; i++) {
      String id = ids.get(i * 97 + 1);
      if (!id.startsWith("client-")) {
        continue; // real clients get the plain ids; the odd ones are for the route call
      }
      String broker = Clients.brokerReachedMqtt3(id, tier.nodePort(1 + reached.size() % NODES));
      assertEquals(ClusterTier.ringOwner(equalRing, id), broker, id + " with no table entry goes to its ring owner");
      reached.put(id, broker);
    }
    // Overrides through node 1: 50 ids, each pinned to a broker that is not its ring owner; five of
    // them also have a sticky entry, which the override must win over.
    Map<String, String> overrides = new TreeMap<>();
    List<String> overridden = new ArrayList<>(reached.keySet()).subList(0, 5);
    for (int i = 0; overrides.size() < 50; i++) {
      String id = i < overridden.size() ? overridden.get(i) : ids.get(i * 89 % ids.size());
      if (overrides.containsKey(id) || (i >= overridden.size() && reached.containsKey(id))) {
        continue;
      }
      String owner = ClusterTier.ringOwner(equalRing, id);
      String pinned = ClusterTier.BROKER_IDS.get((ClusterTier.BROKER_IDS.indexOf(owner) + 1) % 3);
      tier.putOverride(1, id, pinned);
      overrides.put(id, pinned);
    }
    // A heavier b1 moves part of the ring; sticky entries keep their clients where they are.
    tier.setWeight(2, "b1", 3);
    Map<String, Integer> weights = ClusterTier.equalWeights();
    weights.put("b1", 3);

    // Wait until all three nodes hold the same table: every override and every sticky entry.
    tier.awaitAll(java.time.Duration.ofSeconds(10), "50 overrides and 30 sticky entries", n -> {
      JsonObject table = tier.table(n, "limit=1");
      return table.getLong("overrides") == 50 && table.getLong("sticky") == 30;
    });
    Map<String, String> table = tier.tableEntries(1);
    for (int n = 2; n <= NODES; n++) {
      assertEquals(table, tier.tableEntries(n), "lb-" + n + " holds the table lb-1 holds");
    }
    overrides.forEach((id, broker) -> assertEquals("override:" + broker, table.get(id), id));
    reached.forEach((id, broker) -> {
      if (!overrides.containsKey(id)) {
        assertEquals("sticky:" + broker, table.get(id), id);
      }
    });

    Map<String, String> expected = ClusterTier.expectedRoutes(ids, table, weights);
    Map<String, Integer> bySource = new TreeMap<>();
    expected.values().forEach(v -> bySource.merge(v.substring(v.indexOf('/') + 1), 1, Integer::sum));
    assertEquals(Map.of("override", 50, "sticky", 25, "ring", 4925), bySource);
    HashRing heavierRing = ClusterTier.expectedRing(weights);
    long stickyAgainstRing = reached.keySet().stream()
        .filter(id -> !overrides.containsKey(id) && !reached.get(id).equals(ClusterTier.ringOwner(heavierRing, id)))
        .count();
    assertTrue(stickyAgainstRing > 0, "some sticky entries disagree with the new ring, so they are tested");

    for (int node = 1; node <= NODES; node++) {
      assertSameRoutes(expected, tier.routes(node, ids), "lb-" + node);
    }
  }

  /**
   * An override written through node 1 is obeyed by node 3 within a second: by its route answer
   * (polled every 20 ms from the moment the PUT returned) and by a real client it relays.
   */
  @Test
  void overrideSetThroughNode1IsObeyedByNode3WithinOneSecond() throws Exception {
    tier.setMode(1, "table");
    tier.awaitAll(java.time.Duration.ofSeconds(5), "table mode", n -> tier.mode(n).equals("table"));
    String key = "pinned-client";
    String owner = ClusterTier.ringOwner(ClusterTier.expectedRing(ClusterTier.equalWeights()), key);
    String pinned = ClusterTier.BROKER_IDS.get((ClusterTier.BROKER_IDS.indexOf(owner) + 2) % 3);
    assertEquals(owner + "/ring", describe(tier.route(3, key)));

    JsonObject entry = tier.putOverride(1, key, pinned);
    long put = System.nanoTime();
    assertEquals(null, entry.getValue("expiresAt"), "an override without ttl does not expire");
    boolean seen = ClusterTier.poll(java.time.Duration.ofSeconds(1), 20,
        () -> describe(tier.route(3, key)).equals(pinned + "/override"));
    long millis = (System.nanoTime() - put) / 1_000_000;
    assertTrue(seen, "lb-3 still routes " + key + " as " + describe(tier.route(3, key)) + " after " + millis + " ms");
    System.err.printf("override through lb-1 seen by lb-3 after %d ms%n", millis);

    assertEquals(pinned, Clients.brokerReachedMqtt3(key, tier.nodePort(3)), "a real client through lb-3");
    assertEquals(pinned + "/override", describe(tier.route(2, key)));
  }

  /**
   * A mode switch through node 2 reaches nodes 1 and 3 within a second, both ways, and changes how
   * they route: an override that hash mode ignores takes effect in table mode.
   */
  @Test
  void modeSwitchThroughNode2IsSeenByNodes1And3WithinOneSecond() throws Exception {
    String key = "mode-switch-client";
    String owner = ClusterTier.ringOwner(ClusterTier.expectedRing(ClusterTier.equalWeights()), key);
    String pinned = ClusterTier.BROKER_IDS.get((ClusterTier.BROKER_IDS.indexOf(owner) + 1) % 3);
    tier.putOverride(2, key, pinned);
    tier.awaitAll(java.time.Duration.ofSeconds(5), "the override", n -> tier.table(n, "limit=1").getLong("overrides") == 1);
    for (int n : new int[] {1, 3}) {
      assertEquals(owner + "/ring", describe(tier.route(n, key)), "hash mode ignores the override on lb-" + n);
    }

    for (String[] step : new String[][] {{"table", pinned + "/override"}, {"hash", owner + "/ring"}}) {
      tier.setMode(2, step[0]);
      long put = System.nanoTime();
      for (int n : new int[] {1, 3}) {
        int node = n;
        boolean seen = ClusterTier.poll(java.time.Duration.ofSeconds(1), 20,
            () -> tier.mode(node).equals(step[0]) && describe(tier.route(node, key)).equals(step[1]));
        long millis = (System.nanoTime() - put) / 1_000_000;
        assertTrue(seen, "lb-" + n + " after " + millis + " ms: mode " + tier.mode(n) + ", route " + describe(tier.route(n, key))
            + "; expected mode " + step[0] + ", route " + step[1]);
        System.err.printf("mode %s through lb-2 seen by lb-%d after %d ms%n", step[0], n, millis);
      }
    }
  }

  /** The same admin API errors on every node: 401 without the right token, 404 for unknown things, 400 for bad bodies. */
  @Test
  void adminApiRefusesMissingOrWrongTokensUnknownBrokersAndMalformedBodiesOnEveryNode() throws Exception {
    for (int node = 1; node <= NODES; node++) {
      ClusterTier.Reply missing = tier.send(node, "GET", "/api/v1/status", null, null);
      assertEquals(401, missing.status(), missing.toString());
      assertEquals("missing bearer token", missing.json().getString("error"));
      ClusterTier.Reply wrong = tier.send(node, "GET", "/api/v1/route?clientId=x", null, "not-" + tier.options().token());
      assertEquals(401, wrong.status(), wrong.toString());
      assertEquals("wrong bearer token", wrong.json().getString("error"));
      ClusterTier.Reply write = tier.send(node, "PUT", "/api/v1/mode", "{\"mode\":\"table\"}", "wrong");
      assertEquals(401, write.status(), write.toString());
      ClusterTier.Reply pin = tier.send(node, "PUT", "/api/v1/table/intruder", "{\"broker\":\"b1\"}", null);
      assertEquals(401, pin.status(), pin.toString());
      ClusterTier.Reply health = tier.send(node, "GET", "/health", null, null);
      assertEquals(200, health.status(), "health needs no token: " + health);
    }

    String[][] refused = {
        // method, path, body, status
        {"DELETE", "/api/v1/brokers/b9", null, "404"},
        {"PUT", "/api/v1/table/some-client", "{\"broker\":\"b9\"}", "404"},
        {"DELETE", "/api/v1/table/never-set", null, "404"},
        {"PUT", "/api/v1/mode", "{\"mode\":", "400"},
        {"PUT", "/api/v1/mode", "{\"mode\":\"sideways\"}", "400"},
        {"PUT", "/api/v1/mode", "[\"table\"]", "400"},
        {"PUT", "/api/v1/mode", "", "400"},
        {"PUT", "/api/v1/table/some-client", "{\"broker\":\"b1\",\"ttl\":\"soon\"}", "400"},
        {"PUT", "/api/v1/table/some-client", "{\"broker\":1}", "400"},
        {"PUT", "/api/v1/table/some-client", "{\"brokr\":\"b1\"}", "400"},
        {"PUT", "/api/v1/table/some-client", "not json", "400"},
        {"PUT", "/api/v1/brokers/b4", "{\"address\":\"no-port\"}", "400"},
        {"PUT", "/api/v1/brokers/b4", "{\"address\":\"127.0.0.1:1\",\"weight\":0}", "400"},
        {"PUT", "/api/v1/brokers/b4", "{\"address\":\"127.0.0.1:1\",\"weight\":\"heavy\"}", "400"},
        {"PUT", "/api/v1/brokers/b1", "{\"weight\":2}", "400"},
        {"GET", "/api/v1/route", null, "400"},
        {"GET", "/api/v1/table?limit=0", null, "400"},
        {"GET", "/api/v1/table?limit=many", null, "400"},
    };
    for (int i = 0; i < refused.length; i++) {
      String[] call = refused[i];
      int node = 1 + i % NODES;
      ClusterTier.Reply reply = tier.call(node, call[0], call[1], call[2]);
      String what = call[0] + " " + call[1] + " " + call[2] + " on lb-" + node + ": " + reply;
      assertEquals(Integer.parseInt(call[3]), reply.status(), what);
      assertTrue(!reply.json().getString("error", "").isBlank(), "a JSON error: " + what);
    }

    // None of it changed the tier, on any node.
    List<String> brokers = new ArrayList<>();
    tier.brokers().forEach(b -> brokers.add(b.id() + "=127.0.0.1:" + b.port() + "×1"));
    for (int node = 1; node <= NODES; node++) {
      assertEquals("hash", tier.mode(node), "lb-" + node);
      assertEquals(brokers, tier.brokerList(node), "lb-" + node);
      assertEquals(0, tier.table(node, "").getLong("size"), "lb-" + node + " table: " + tier.table(node, ""));
    }
  }

  private static String describe(JsonObject route) {
    return route.getString("broker") + "/" + route.getString("source");
  }

  static void assertSameRoutes(Map<String, String> expected, Map<String, String> actual, String who) {
    assertEquals(expected.size(), actual.size(), who + ": number of answers");
    List<String> differences = new ArrayList<>();
    expected.forEach((id, route) -> {
      if (!route.equals(actual.get(id))) {
        differences.add(id + ": expected " + route + ", got " + actual.get(id));
      }
    });
    assertTrue(differences.isEmpty(), who + " differs on " + differences.size() + " of " + expected.size()
        + " ids, e.g. " + differences.subList(0, Math.min(10, differences.size())));
  }

  // ---- persistent sessions across nodes ----

  private static final int QUEUED = 10;

  @Test
  void mqtt3PersistentSessionFollowsTheClientThroughEveryNode() throws Exception {
    followsTheClientThroughEveryNode("persistent-3.1.1", PersistentSession::mqtt3, 2, 1);
  }

  @Test
  void mqtt5SessionWithExpiryFollowsTheClientThroughEveryNode() throws Exception {
    followsTheClientThroughEveryNode("persistent-5", PersistentSession::mqtt5, 3, 2);
  }

  /** Connects through node 1, then 2, then 3; messages queued while away arrive each time. */
  private void followsTheClientThroughEveryNode(String clientId, SessionFactory sessions, int directFirst,
                                                int directSecond) throws Exception {
    String topic = "it/persistent/" + clientId;
    String broker = tier.route(1, clientId).getString("broker");
    for (int node = 2; node <= NODES; node++) {
      assertEquals(broker, tier.route(node, clientId).getString("broker"), "lb-" + node + " routes " + clientId);
    }

    // Through node 1: a new session, subscribed at QoS 1; the broker names itself.
    PersistentSession first = sessions.connect(clientId, tier.nodePort(1));
    assertTrue(!first.sessionPresent(), "a fresh broker has no session for " + clientId);
    first.subscribe(topic);
    assertEquals(broker, first.marker());
    first.disconnect();

    List<String> sent = publishWhileAway(broker, topic, "a", directFirst);
    PersistentSession second = sessions.connect(clientId, tier.nodePort(2));
    assertTrue(second.sessionPresent(), "lb-2 took " + clientId + " to the broker that holds its session");
    assertEquals(sent, second.receive(topic, sent.size()));
    assertEquals(broker, second.marker());
    second.disconnect();

    sent = publishWhileAway(broker, topic, "b", directSecond);
    PersistentSession third = sessions.connect(clientId, tier.nodePort(3));
    assertTrue(third.sessionPresent(), "lb-3 took " + clientId + " to the broker that holds its session");
    assertEquals(sent, third.receive(topic, sent.size()));
    assertEquals(broker, third.marker());
    third.disconnect();
  }

  /**
   * Publishes {@link #QUEUED} QoS 1 messages for an absent subscriber: half straight to its broker,
   * half through node {@code viaNode} by a publisher whose own client id routes to that broker.
   */
  private static List<String> publishWhileAway(String broker, String topic, String batch, int viaNode) {
    String publisherId = null;
    for (int i = 0; publisherId == null; i++) {
      String candidate = "publisher-" + i;
      if (tier.route(viaNode, candidate).getString("broker").equals(broker)) {
        publisherId = candidate;
      }
    }
    List<String> sent = new ArrayList<>();
    int[] ports = {tier.broker(broker).port(), tier.nodePort(viaNode)};
    for (int p = 0; p < ports.length; p++) {
      Mqtt3BlockingClient publisher = Clients.mqtt3(p == 0 ? "direct-publisher" : publisherId, ports[p]);
      publisher.connectWith().cleanSession(true).send();
      for (int i = 0; i < QUEUED / 2; i++) {
        String payload = batch + "-" + (p == 0 ? "direct" : "via-lb-" + viaNode) + "-" + i;
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
            .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        sent.add(payload);
      }
      publisher.disconnect();
    }
    return sent;
  }

  @FunctionalInterface
  private interface SessionFactory {
    PersistentSession connect(String clientId, int port);
  }

  /**
   * A client that keeps its session (MQTT 3.1.1 {@code cleanSession=false}, or MQTT 5 with a
   * session expiry of 5 minutes), listening for every publish from before its CONNECT.
   */
  private abstract static class PersistentSession {
    private final boolean sessionPresent;

    PersistentSession(boolean sessionPresent) {
      this.sessionPresent = sessionPresent;
    }

    static PersistentSession mqtt3(String clientId, int port) {
      Mqtt3BlockingClient client = Clients.mqtt3(clientId, port);
      Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
      boolean present = client.connectWith().cleanSession(false).keepAlive(30).send().isSessionPresent();
      return new PersistentSession(present) {
        @Override
        void subscribe(String topic) {
          client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        }

        @Override
        Optional<String[]> next() throws InterruptedException {
          return publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .map(p -> new String[] {p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)});
        }

        @Override
        void disconnect() {
          client.disconnect();
        }
      };
    }

    static PersistentSession mqtt5(String clientId, int port) {
      Mqtt5BlockingClient client = Clients.mqtt5(clientId, port);
      Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
      boolean present = client.connectWith().cleanStart(false).sessionExpiryInterval(300).keepAlive(30).send()
          .isSessionPresent();
      return new PersistentSession(present) {
        @Override
        void subscribe(String topic) {
          client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
        }

        @Override
        Optional<String[]> next() throws InterruptedException {
          return publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .map(p -> new String[] {p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)});
        }

        @Override
        void disconnect() {
          client.disconnect();
        }
      };
    }

    abstract void subscribe(String topic);

    /** The next publish as {topic, payload}, or empty after the receive timeout. */
    abstract Optional<String[]> next() throws InterruptedException;

    abstract void disconnect();

    boolean sessionPresent() {
      return sessionPresent;
    }

    /** The next {@code count} payloads on {@code topic}, in arrival order. */
    List<String> receive(String topic, int count) throws InterruptedException {
      List<String> payloads = new ArrayList<>();
      while (payloads.size() < count) {
        Optional<String[]> next = next();
        if (next.isEmpty()) {
          break;
        }
        if (next.get()[0].equals(topic)) {
          payloads.add(next.get()[1]);
        }
      }
      return payloads;
    }

    /** Subscribes to the retained marker: the id of the broker holding this session, as it says itself. */
    String marker() throws InterruptedException {
      subscribe(MosquittoBroker.MARKER_TOPIC);
      while (true) {
        Optional<String[]> next = next();
        if (next.isEmpty()) {
          throw new AssertionError("no broker marker");
        }
        if (next.get()[0].equals(MosquittoBroker.MARKER_TOPIC)) {
          return next.get()[1];
        }
      }
    }
  }
}
