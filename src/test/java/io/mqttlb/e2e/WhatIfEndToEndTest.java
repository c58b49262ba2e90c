package io.mqttlb.e2e;

import static io.mqttlb.e2e.MovesEndToEndTest.connect;
import static io.mqttlb.e2e.MovesEndToEndTest.disconnectAll;
import static io.mqttlb.e2e.MovesEndToEndTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.RoutingConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.e2e.MovesEndToEndTest.Watched;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.HashRing;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RingMember;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * What-if answers against what the change then really does: real Mosquitto brokers, one real node,
 * real HiveMQ clients (MQTT 3.1.1 and 5). The what-if is asked, the change made, a rebalance run, and
 * the clients whose connections the rebalance ended (seen by the clients themselves) must be exactly
 * the predicted ones.
 */
@EndToEnd
class WhatIfEndToEndTest {
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static JsonObject whatIf(BalancerNode node, String query) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.adminPort() + "/api/v1/whatif?" + query)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  static void put(BalancerNode node, String path, String body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(response.statusCode() / 100 == 2, response.body());
  }

  /** The predicted clients by pair, "from>to" → keys; the sample must hold them all (samples ≥ count). */
  static Map<String, Set<String>> predicted(JsonObject answer) {
    Map<String, Set<String>> byPair = new TreeMap<>();
    for (Object item : answer.getJsonArray("moves")) {
      JsonObject move = (JsonObject) item;
      Set<String> keys = new TreeSet<>();
      move.getJsonArray("samples").forEach(key -> keys.add((String) key));
      assertEquals(move.getLong("clients"), keys.size(), "the sample is complete: " + move);
      if (!keys.isEmpty()) {
        byPair.put(move.getString("from") + ">" + move.getString("to"), keys);
      }
    }
    return byPair;
  }

  static Set<String> all(Map<String, Set<String>> byPair) {
    Set<String> all = new TreeSet<>();
    byPair.values().forEach(all::addAll);
    return all;
  }

  /** Which of {@code ids} change broker from the ring of b1, b2 to the ring of b1, b2, b3: "from>to" → ids. */
  static Map<String, Set<String>> ringMoves(List<String> ids, int virtualNodes) {
    HashRing before = HashRing.build(List.of(new RingMember("b1", 1), new RingMember("b2", 1)), virtualNodes);
    HashRing after = HashRing.build(List.of(new RingMember("b1", 1), new RingMember("b2", 1), new RingMember("b3", 1)),
        virtualNodes);
    Map<String, Set<String>> byPair = new TreeMap<>();
    for (String id : ids) {
      String from = before.memberId(before.lookup(RingHash.hashKey(id)));
      String to = after.memberId(after.lookup(RingHash.hashKey(id)));
      if (!from.equals(to)) {
        byPair.computeIfAbsent(from + ">" + to, pair -> new TreeSet<>()).add(id);
      }
    }
    return byPair;
  }

  @Test
  void addingABrokerMovesExactlyThePredictedClients() throws Exception {
    try (LocalTier tier = LocalTier.start(3, config -> config.withBrokers(config.brokers().subList(0, 2)))) {
      BalancerNode node = tier.node;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 90; i++) {
        ids.add("meter-" + i);
      }
      Map<String, Long> endings = new ConcurrentHashMap<>();
      List<Watched> clients = new ArrayList<>();
      try {
        for (int i = 0; i < ids.size(); i++) {
          clients.add(connect(ids.get(i), node.port(), i % 3 == 0, endings));
        }
        JsonObject answer = whatIf(node, "add=b3&weight=1&samples=1000");
        Map<String, Set<String>> predicted = predicted(answer);
        Set<String> moving = all(predicted);

        assertEquals(90, answer.getJsonObject("clients").getLong("connected"));
        assertEquals(moving.size(), answer.getJsonObject("clients").getLong("moving"));
        assertEquals(ringMoves(ids, node.config().routing().virtualNodes()), predicted,
            "the ring, built here independently, moves the same clients the same way");
        double share = answer.getDouble("keySpace");
        assertTrue(share > 0.25 && share < 0.42, "a third broker of weight 1 takes about a third: " + share);
        assertEquals(0, endings.size(), "asking moved nobody");
        assertEquals(2, node.snapshot().brokers().size(), "asking changed nothing");

        put(node, "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:" + tier.broker("b3").port() + "\",\"weight\":1}");
        JsonObject started = post(node, "/api/v1/rebalance", "{\"rate\":500}", 202);
        assertEquals(moving.size(), started.getLong("clients"), "the rebalance counts what the what-if predicted");
        Await.until("the predicted clients are disconnected", () -> endings.keySet().containsAll(moving));
        Await.until("the rebalance is done", () -> node.metrics().movedCount("rebalance") == moving.size());
        Thread.sleep(300);
        assertEquals(moving, new TreeSet<>(endings.keySet()), "the rebalance moved exactly the predicted clients");
        System.out.printf("what-if add b3: key space %.2f %%, %d of 90 clients (%s); the rebalance moved the same %d%n",
            share * 100, moving.size(), predicted.keySet(), endings.size());
      } finally {
        disconnectAll(clients);
      }
    }
  }

  /**
   * In table mode sticky entries keep connected clients where they are, whatever the ring: adding a
   * broker moves a third of the key space but none of them, and an override moves its one client.
   */
  @Test
  void inTableModeClientsFollowTheirTableEntries() throws Exception {
    try (LocalTier tier = LocalTier.start(3, config -> config.withBrokers(config.brokers().subList(0, 2))
        .withRouting(RoutingConfig.defaults().withMode(RoutingMode.TABLE)))) {
      BalancerNode node = tier.node;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        ids.add("valve-" + i);
      }
      Map<String, Long> endings = new ConcurrentHashMap<>();
      List<Watched> clients = new ArrayList<>();
      try {
        for (int i = 0; i < ids.size(); i++) {
          clients.add(connect(ids.get(i), node.port(), i % 2 == 0, endings));
        }
        Await.until("every client has its sticky entry", () -> node.state().stickyCount() == ids.size());
        String pinned = ids.stream().filter(id -> tier.ringOwner(id).equals("b1")).findFirst().orElseThrow();
        put(node, "/api/v1/table/" + pinned, "{\"broker\":\"b2\"}");

        JsonObject answer = whatIf(node, "add=b3&samples=1000");
        assertEquals(Map.of("b1>b2", Set.of(pinned)), predicted(answer), "only the overridden client moves");
        assertTrue(answer.getDouble("keySpace") > 0.25, "the ring still gives b3 a third of the key space");
        assertEquals(60, answer.getJsonObject("clients").getLong("connected"));

        put(node, "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:" + tier.broker("b3").port() + "\"}");
        JsonObject started = post(node, "/api/v1/rebalance", "{\"rate\":500}", 202);
        assertEquals(1, started.getLong("clients"));
        Await.until("the overridden client is disconnected", () -> endings.containsKey(pinned));
        Await.until("the rebalance is done", () -> node.metrics().movedCount("rebalance") == 1);
        Thread.sleep(300);
        assertEquals(Set.of(pinned), endings.keySet(), "the rebalance moved exactly the predicted client");
      } finally {
        disconnectAll(clients);
      }
    }
  }
}
