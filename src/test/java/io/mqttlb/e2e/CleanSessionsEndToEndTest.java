package io.mqttlb.e2e;

import static io.mqttlb.e2e.MovesEndToEndTest.idsOwnedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttlb.config.CleanSessionRouting;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.Fleet;
import io.mqttlb.testing.MosquittoBroker;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Least-loaded routing of clean-session clients against three real Mosquitto brokers, with real MQTT 3.1.1 and 5
 * clients, under a skewed fleet: {@value #PERSISTENT} persistent clients whose keys all belong to b1 (as after a
 * failover that sent another broker's clients there), then {@value #CLEAN} clean clients. With {@code least-loaded}
 * the clean clients fill b2 and b3 and leave b1 alone; with {@code ring} they follow the hash. Where each client
 * is comes from the broker's own retained marker. Each test prints the spread of connections per broker, the
 * figures docs/clean-sessions.md quotes.
 */
@EndToEnd
class CleanSessionsEndToEndTest {
  static final int PERSISTENT = 80;
  static final int CLEAN = 60;
  /**
   * How far apart b2 and b3 may end: decisions on the node's event loops run side by side, and two of them may read
   * the same counts before either has counted its client.
   */
  static final int TOLERANCE = 3;
  private static final Duration SETTLE = Duration.ofSeconds(30);

  @Test
  void leastLoadedSendsCleanClientsToTheLeastLoadedBrokersAndPersistentOnesByTheRing() throws Exception {
    try (LocalTier tier = LocalTier.start(3,
        config -> config.withRouting(config.routing().withCleanSessions(CleanSessionRouting.LEAST_LOADED)))) {
      List<String> persistentIds = idsOwnedBy(tier, "persistent-", PERSISTENT, "b1"::equals);
      try (Fleet persistent = Fleet.connect(persistentIds, List.of(tier.port()))) {
        persistent.awaitAllConnected(SETTLE);
        assertEquals(Map.of("b1", PERSISTENT), persistent.distribution(), "persistent clients follow the ring");

        try (Fleet clean = Fleet.connectClean(cleanIds(), List.of(tier.port()))) {
          clean.awaitAllConnected(SETTLE);
          Map<String, Integer> cleanOn = clean.distribution();
          assertFalse(cleanOn.containsKey("b1"), "no clean client on the loaded broker: " + cleanOn);
          int onB2 = cleanOn.getOrDefault("b2", 0);
          int onB3 = cleanOn.getOrDefault("b3", 0);
          assertEquals(CLEAN, onB2 + onB3);
          assertTrue(Math.abs(onB2 - onB3) <= TOLERANCE, "b2 and b3 share the clean clients evenly: " + cleanOn);
          assertEquals(CLEAN, tier.node.metrics().routedCount(RouteDecision.SOURCE_LEAST_LOADED));
          report("least-loaded", total(persistent, clean)); // 80 persistent on b1, 60 clean

          // A clean client is explained as least-loaded, a persistent one as before, and status shows the counts.
          JsonObject cleanRoute = tier.adminGet("/api/v1/route?clientId=" + persistentIds.get(0) + "&cleanSession=true");
          assertEquals(RouteDecision.SOURCE_LEAST_LOADED, cleanRoute.getString("source"));
          assertNotEquals("b1", cleanRoute.getString("broker"));
          assertTrue(cleanRoute.getBoolean("cleanSession"));
          JsonObject persistentRoute = tier.adminGet("/api/v1/route?clientId=" + persistentIds.get(0));
          assertEquals("b1", persistentRoute.getString("broker"));
          assertEquals(RouteDecision.SOURCE_RING, persistentRoute.getString("source"));
          JsonObject status = tier.adminGet("/api/v1/status");
          assertEquals("least-loaded", status.getString("cleanSessions"));
          Map<String, Integer> tierConnections = new TreeMap<>();
          status.getJsonArray("brokers").forEach(b -> tierConnections.put(((JsonObject) b).getString("id"),
              ((JsonObject) b).getInteger("tierConnections")));
          assertEquals(Map.of("b1", PERSISTENT, "b2", onB2, "b3", onB3), tierConnections);

          // MQTT 5 clean start with a session expiry keeps a session: the ring, however loaded its broker.
          for (String id : idsOwnedBy(tier, "expiring-", 3, "b1"::equals)) {
            assertEquals("b1", brokerReachedWithExpiry(id, tier.port()), id);
          }
        }
      }
    }
  }

  @Test
  void inTableModeAPinHoldsForACleanClientAndNoCleanClientGetsAStickyEntry() throws Exception {
    try (LocalTier tier = LocalTier.start(3, config -> config.withRouting(config.routing().withMode(RoutingMode.TABLE)
        .withCleanSessions(CleanSessionRouting.LEAST_LOADED)))) {
      List<String> persistentIds = idsOwnedBy(tier, "persistent-", 10, "b1"::equals);
      try (Fleet persistent = Fleet.connect(persistentIds, List.of(tier.port()))) {
        persistent.awaitAllConnected(SETTLE);
        persistentIds.forEach(id -> assertEquals("b1", tier.node.state().stickyBroker(id), "persistent: " + id));
        tier.node.state().putOverride("pinned", "b1", null);

        // The loaded broker still gets the pinned client; the other goes by load. The sticky entry of a client is
        // recorded before its CONNECT is relayed, so once it has its marker, an entry would be there.
        assertEquals("b1", Clients.brokerReachedMqtt3("pinned", tier.port()));
        assertNotEquals("b1", Clients.brokerReachedMqtt5("free", tier.port()));
        assertEquals(null, tier.node.state().stickyBroker("pinned"));
        assertEquals(null, tier.node.state().stickyBroker("free"));
        assertEquals(1, tier.node.metrics().routedCount(RouteDecision.SOURCE_OVERRIDE));
        assertEquals(1, tier.node.metrics().routedCount(RouteDecision.SOURCE_LEAST_LOADED));

        // A rebalance leaves clients placed by load where they are: no key says where they belong. This one's key
        // belongs to b1, which is the most loaded, so it is elsewhere.
        String key = idsOwnedBy(tier, "stays-", 1, "b1"::equals).get(0);
        Mqtt5BlockingClient stays = Clients.mqtt5(key, tier.port());
        stays.connectWith().cleanStart(true).send();
        try {
          assertNotEquals("b1", marker(stays, key));
          JsonObject job = MovesEndToEndTest.post(tier.node, "/api/v1/rebalance", "{\"rate\":100}", 202);
          assertEquals(0, job.getLong("clients"), "nothing to move: " + job);
        } finally {
          stays.disconnect();
        }
      }
    }
  }

  @Test
  void ringSendsCleanClientsWhereTheirKeysHash() throws Exception {
    try (LocalTier tier = LocalTier.start(3)) {
      List<String> persistentIds = idsOwnedBy(tier, "persistent-", PERSISTENT, "b1"::equals);
      try (Fleet persistent = Fleet.connect(persistentIds, List.of(tier.port()))) {
        persistent.awaitAllConnected(SETTLE);
        try (Fleet clean = Fleet.connectClean(cleanIds(), List.of(tier.port()))) {
          Map<String, String> owners = new HashMap<>();
          cleanIds().forEach(id -> owners.put(id, tier.ringOwner(id)));
          clean.awaitOn(owners, SETTLE);
          assertEquals(0, tier.node.metrics().routedCount(RouteDecision.SOURCE_LEAST_LOADED));
          assertEquals("ring", tier.adminGet("/api/v1/status").getString("cleanSessions"));
          assertEquals(RouteDecision.SOURCE_RING,
              tier.adminGet("/api/v1/route?clientId=clean-0&cleanSession=true").getString("source"));
          report("ring", total(persistent, clean)); // 80 persistent on b1, 60 clean
        }
      }
    }
  }

  /**
   * The measurement behind the figures of docs/clean-sessions.md: 100 persistent clients, 80% of them on b1 (as
   * after a failover moved another broker's clients there), then 150 clean clients, once with each setting. The
   * ring leaves the skew where it is; least-loaded fills b2 and b3 until they catch up with b1, then spreads.
   */
  @Test
  void underAnEightyPercentSkewLeastLoadedEvensOutWhatTheRingLeaves() throws Exception {
    Map<String, Integer> ring = spread(CleanSessionRouting.RING, 150);
    Map<String, Integer> leastLoaded = spread(CleanSessionRouting.LEAST_LOADED, 150);
    report("ring", ring);
    report("least-loaded", leastLoaded);
    assertEquals(250, leastLoaded.values().stream().mapToInt(Integer::intValue).sum());
    int max = leastLoaded.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int min = leastLoaded.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    assertTrue(max - min <= TOLERANCE, "least-loaded evens the brokers out: " + leastLoaded);
  }

  /** 80 persistent clients on b1 and 10 on each of b2 and b3, then {@code cleanCount} clean ones: per broker. */
  private static Map<String, Integer> spread(CleanSessionRouting how, int cleanCount) throws Exception {
    try (LocalTier tier = LocalTier.start(3,
        config -> config.withRouting(config.routing().withCleanSessions(how)))) {
      List<String> persistentIds = new ArrayList<>(idsOwnedBy(tier, "skewed-b1-", 80, "b1"::equals));
      persistentIds.addAll(idsOwnedBy(tier, "skewed-b2-", 10, "b2"::equals));
      persistentIds.addAll(idsOwnedBy(tier, "skewed-b3-", 10, "b3"::equals));
      try (Fleet persistent = Fleet.connect(persistentIds, List.of(tier.port()))) {
        persistent.awaitAllConnected(SETTLE);
        try (Fleet clean = Fleet.connectClean(cleanIds(cleanCount), List.of(tier.port()))) {
          clean.awaitAllConnected(SETTLE);
          return total(persistent, clean);
        }
      }
    }
  }

  /** The same clean client ids in every test, so that each spreads the same fleet. */
  static List<String> cleanIds() {
    return cleanIds(CLEAN);
  }

  static List<String> cleanIds(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("clean-" + i);
    }
    return ids;
  }

  /** Connections per broker, both fleets together, from the brokers' markers. */
  static Map<String, Integer> total(Fleet... fleets) {
    Map<String, Integer> total = new TreeMap<>(Map.of("b1", 0, "b2", 0, "b3", 0));
    for (Fleet fleet : fleets) {
      fleet.distribution().forEach((broker, count) -> total.merge(broker, count, Integer::sum));
    }
    return total;
  }

  /** Prints the spread of connections per broker: max/min and the coefficient of variation (stddev / mean). */
  static void report(String how, Map<String, Integer> perBroker) {
    double mean = perBroker.values().stream().mapToInt(Integer::intValue).average().orElse(0);
    double variance = perBroker.values().stream().mapToDouble(c -> (c - mean) * (c - mean)).sum() / perBroker.size();
    int max = perBroker.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int min = perBroker.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    System.out.printf("clean sessions %-12s per broker %s, max/min %s, CV %.2f%n", how, perBroker,
        min == 0 ? "inf" : String.format("%.2f", (double) max / min), Math.sqrt(variance) / mean);
  }

  /** Connects with MQTT 5 clean start and a session expiry of 300 s, and reads which broker answered. */
  private static String brokerReachedWithExpiry(String clientId, int port) throws InterruptedException {
    Mqtt5BlockingClient client = Clients.mqtt5(clientId, port);
    client.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
    try {
      return marker(client, clientId);
    } finally {
      client.disconnect();
    }
  }

  /** The broker a connected client is on, by the broker's retained marker. */
  private static String marker(Mqtt5BlockingClient client, String clientId) throws InterruptedException {
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt5Publish> marker = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return marker.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("no broker marker for " + clientId));
    }
  }
}
