package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.CleanSessionRouting;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.mqtt.ConnectInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Least-loaded routing of clients that keep no session: the fewest connections per unit of weight wins, ties go
 * clockwise from the key, down, drained and tried brokers are skipped, and clients that keep a session are routed
 * as before.
 */
class LeastLoadedRouterTest {
  private static final List<BrokerConfig> BROKERS = List.of(
      new BrokerConfig("b1", "127.0.0.1", 1884, 1),
      new BrokerConfig("b2", "127.0.0.1", 1885, 1),
      new BrokerConfig("b3", "127.0.0.1", 1886, 1));
  private static final RoutingSnapshot SNAPSHOT = RoutingSnapshot.of(3, BROKERS, 160);

  private final Map<String, Long> counts = new HashMap<>(Map.of("b1", 80L, "b2", 10L, "b3", 10L));
  private final BrokerLoads loads = id -> counts.getOrDefault(id, 0L);

  private Router router(RoutingSnapshot snapshot, BrokerAvailability availability, RoutingTable table) {
    return new Router(() -> snapshot, KeyField.CLIENT_ID, availability, table, CleanSessionRouting.LEAST_LOADED, loads);
  }

  private Router router() {
    return router(SNAPSHOT, BrokerAvailability.ALL, RoutingTable.EMPTY);
  }

  private static String ringOwner(HashRing ring, String key, Set<String> skipped) {
    return ring.memberId(ring.lookup(RingHash.hashKey(key), i -> !skipped.contains(ring.memberId(i))));
  }

  @Test
  void theBrokerWithTheFewestConnectionsWinsAndTheDecisionSaysSo() {
    counts.put("b3", 9L);
    for (int i = 0; i < 100; i++) {
      RouteDecision decision = router().route("clean-" + i, null, null, null, true);
      assertEquals("b3", decision.broker().id());
      assertEquals(RouteDecision.SOURCE_LEAST_LOADED, decision.source());
      assertTrue(decision.byLoad());
      assertEquals(3, decision.epoch());
    }
  }

  @Test
  void tiesGoToTheFirstTiedBrokerClockwiseFromTheKeySoEqualBrokersShareTheClients() {
    Router router = router();
    HashRing ring = SNAPSHOT.ring();
    Map<String, Integer> spread = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      String key = "clean-" + i;
      String chosen = router.route(key, null, null, null, true).broker().id();
      // b1 is not tied: the first of b2 and b3 clockwise is the ring owner with b1 skipped.
      assertEquals(ringOwner(ring, key, Set.of("b1")), chosen, key);
      assertEquals(chosen, router.route(key, null, null, null, true).broker().id(), "the same answer again");
      spread.merge(chosen, 1, Integer::sum);
    }
    assertEquals(Set.of("b2", "b3"), spread.keySet());
    assertTrue(spread.get("b2") > 300 && spread.get("b3") > 300, "both tied brokers share: " + spread);
  }

  @Test
  void withEqualCountsEveryKeyGoesToItsRingOwner() {
    counts.replaceAll((id, count) -> 5L);
    Router router = router();
    for (int i = 0; i < 200; i++) {
      String key = "clean-" + i;
      assertEquals(ringOwner(SNAPSHOT.ring(), key, Set.of()), router.route(key, null, null, null, true).broker().id());
    }
  }

  @Test
  void countsAreComparedPerUnitOfWeight() {
    RoutingSnapshot weighted = RoutingSnapshot.of(4, List.of(
        new BrokerConfig("b1", "127.0.0.1", 1884, 1),
        new BrokerConfig("b2", "127.0.0.1", 1885, 1),
        new BrokerConfig("b3", "127.0.0.1", 1886, 2)), 160);
    counts.putAll(Map.of("b1", 80L, "b2", 10L, "b3", 15L)); // b3 reads 7.5 per unit of weight
    assertEquals("b3", router(weighted, BrokerAvailability.ALL, RoutingTable.EMPTY)
        .route("c", null, null, null, true).broker().id());
    counts.put("b3", 21L); // 10.5
    assertEquals("b2", router(weighted, BrokerAvailability.ALL, RoutingTable.EMPTY)
        .route("c", null, null, null, true).broker().id());
    counts.put("b3", 20L); // 10: tied with b2, the ring decides between the two
    String tied = router(weighted, BrokerAvailability.ALL, RoutingTable.EMPTY).route("c", null, null, null, true)
        .broker().id();
    assertEquals(ringOwner(weighted.ring(), "c", Set.of("b1")), tied);
  }

  @Test
  void downAndDrainedBrokersAreSkippedHoweverFewTheirConnections() {
    counts.putAll(Map.of("b1", 0L, "b2", 50L, "b3", 60L));
    assertEquals("b2", router(SNAPSHOT, id -> !id.equals("b1"), RoutingTable.EMPTY)
        .route("c", null, null, null, true).broker().id());
    RoutingSnapshot drained = RoutingSnapshot.of(5, RoutingMode.HASH, BROKERS, 160, Set.of("b1"));
    assertEquals("b2", router(drained, BrokerAvailability.ALL, RoutingTable.EMPTY)
        .route("c", null, null, null, true).broker().id());
  }

  @Test
  void withNoUsableBrokerTheRingDecidesAsForAnyClient() {
    RoutingSnapshot allDrained = RoutingSnapshot.of(6, RoutingMode.HASH, BROKERS, 160, Set.of("b1", "b2", "b3"));
    RouteDecision decision = router(allDrained, BrokerAvailability.ALL, RoutingTable.EMPTY)
        .route("c", null, null, null, true);
    assertEquals(ringOwner(SNAPSHOT.ring(), "c", Set.of()), decision.broker().id());
    assertEquals(RouteDecision.SOURCE_RING, decision.source());
  }

  @Test
  void aClientThatKeepsASessionIsRoutedByTheRingWhateverTheCounts() {
    Router router = router();
    for (int i = 0; i < 200; i++) {
      String key = "persistent-" + i;
      RouteDecision decision = router.route(key, null, null, null, false);
      assertEquals(ringOwner(SNAPSHOT.ring(), key, Set.of()), decision.broker().id());
      assertEquals(RouteDecision.SOURCE_RING, decision.source());
      assertFalse(decision.byLoad());
    }
  }

  @Test
  void anMqtt5CleanStartWithASessionExpiryKeepsItsSessionAndFollowsTheRing() {
    ConnectInfo expiring = new ConnectInfo("MQTT", 5, "v5-300", null, false, true, 60, 300, false, 0, false,
        List.of(), 21);
    ConnectInfo ending = new ConnectInfo("MQTT", 5, "v5-0", null, false, true, 60, 0, false, 0, false, List.of(), 21);
    counts.put("b2", 3L);
    Router router = router();
    RouteDecision keeps = router.route(expiring.clientId(), null, null, null, expiring.keepsNoSession());
    assertEquals(ringOwner(SNAPSHOT.ring(), "v5-300", Set.of()), keeps.broker().id());
    assertEquals(RouteDecision.SOURCE_RING, keeps.source());
    RouteDecision byLoad = router.route(ending.clientId(), null, null, null, ending.keepsNoSession());
    assertEquals("b2", byLoad.broker().id());
    assertEquals(RouteDecision.SOURCE_LEAST_LOADED, byLoad.source());
  }

  @Test
  void aNodeThatRoutesCleanSessionsByTheRingIgnoresTheCounts() {
    Router ring = new Router(() -> SNAPSHOT, KeyField.CLIENT_ID, BrokerAvailability.ALL, RoutingTable.EMPTY,
        CleanSessionRouting.RING, loads);
    for (int i = 0; i < 200; i++) {
      String key = "clean-" + i;
      RouteDecision decision = ring.route(key, null, null, null, true);
      assertEquals(ringOwner(SNAPSHOT.ring(), key, Set.of()), decision.broker().id());
      assertFalse(decision.byLoad());
    }
  }

  @Test
  void redispatchTakesTheNextLeastLoadedBrokerNotTheRingSuccessor() {
    counts.putAll(Map.of("b1", 5L, "b2", 7L, "b3", 6L));
    Router router = router();
    RouteDecision first = router.route("c", null, null, null, true);
    assertEquals("b1", first.broker().id());
    Set<String> tried = new HashSet<>(Set.of("b1"));
    RouteDecision second = router.next(first, tried);
    assertEquals("b3", second.broker().id());
    assertEquals(RouteDecision.SOURCE_LEAST_LOADED, second.source());
    tried.add("b3");
    assertEquals("b2", router.next(second, tried).broker().id());
    tried.add("b2");
    assertNull(router.next(second, tried), "every broker tried");
  }

  @Test
  void aRebalanceMovesAClientPlacedByLoadOnlyOnceItsBrokerLeftTheBrokerSet() {
    Router router = router();
    RouteDecision placed = router.route("c", null, null, null, true);
    String on = placed.broker().id();
    String other = on.equals("b2") ? "b3" : "b2";
    assertNull(router.movesTo(placed), "no key says where it belongs");
    assertFalse(router.routesElsewhere(placed));
    RouteDecision byKey = router.route("c", null, null, null, false);
    RouteDecision keyedOnLoadBroker = new RouteDecision(byKey.key(), byKey.keyHash(), SNAPSHOT.broker(on),
        RouteDecision.SOURCE_RING, 3);
    assertEquals(byKey.broker().id().equals(on) ? null : byKey.broker().id(), router.movesTo(keyedOnLoadBroker),
        "a client placed by its key on the same broker moves where its key goes");

    RoutingSnapshot without = RoutingSnapshot.of(4, BROKERS.stream().filter(b -> !b.id().equals(on)).toList(), 160);
    assertEquals(other, router.pinnedTo(without).movesTo(placed), "its broker removed: where load places it now");
  }

  @Test
  void inTableModeAnOverrideStillWinsAndAStickyEntryDoesNot() {
    RoutingSnapshot table = RoutingSnapshot.of(8, RoutingMode.TABLE, BROKERS, 160);
    RoutingTable entries = new RoutingTable() {
      @Override
      public String overrideBroker(String key) {
        return key.equals("pinned") ? "b1" : null;
      }

      @Override
      public String stickyBroker(String key) {
        return "b1";
      }
    };
    Router router = router(table, BrokerAvailability.ALL, entries);
    RouteDecision pinned = router.route("pinned", null, null, null, true);
    assertEquals("b1", pinned.broker().id());
    assertEquals(RouteDecision.SOURCE_OVERRIDE, pinned.source());
    assertTrue(pinned.byLoad(), "placed by load once the pin fails: no sticky entry, redispatch by load");
    RouteDecision clean = router.route("other", null, null, null, true);
    assertNotEquals("b1", clean.broker().id());
    assertEquals(RouteDecision.SOURCE_LEAST_LOADED, clean.source());
    RouteDecision persistent = router.route("other", null, null, null, false);
    assertEquals(RouteDecision.SOURCE_STICKY, persistent.source());
    assertEquals("b1", persistent.broker().id());
  }

  @Test
  void aRedispatchedPinnedCleanClientGoesByLoad() {
    RoutingSnapshot table = RoutingSnapshot.of(9, RoutingMode.TABLE, BROKERS, 160);
    RoutingTable pinToB2 = new RoutingTable() {
      @Override
      public String overrideBroker(String key) {
        return "b2";
      }

      @Override
      public String stickyBroker(String key) {
        return null;
      }
    };
    counts.putAll(Map.of("b1", 30L, "b2", 0L, "b3", 20L));
    Router router = router(table, BrokerAvailability.ALL, pinToB2);
    RouteDecision pinned = router.route("c", null, null, null, true);
    assertEquals("b2", pinned.broker().id());
    assertEquals("b3", router.next(pinned, new HashSet<>(Set.of("b2"))).broker().id());
  }
}
