package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.RoutingMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A drained broker gets no new clients but stays on the ring: its keys
 * go to their ring successors, every other key stays where it was, and table entries naming it are
 * passed over.
 */
class DrainedRouterTest {
  private static final List<BrokerConfig> BROKERS = List.of(
      new BrokerConfig("b1", "127.0.0.1", 1884, 1),
      new BrokerConfig("b2", "127.0.0.1", 1885, 1),
      new BrokerConfig("b3", "127.0.0.1", 1886, 1));
  private static final RoutingSnapshot ALL = RoutingSnapshot.of(1, RoutingMode.HASH, BROKERS, 160);
  private static final RoutingSnapshot B2_DRAINED = RoutingSnapshot.of(2, RoutingMode.HASH, BROKERS, 160, Set.of("b2"));

  private static Router router(RoutingSnapshot snapshot, BrokerAvailability availability, RoutingTable table) {
    return new Router(() -> snapshot, KeyField.CLIENT_ID, availability, table);
  }

  private static String successorWithout(String key, String skipped) {
    HashRing ring = ALL.ring();
    int index = ring.indexOf(skipped);
    return ring.memberId(ring.lookup(RingHash.hashKey(key), i -> i != index));
  }

  @Test
  void theSnapshotKeepsTheDrainedBrokerOnItsRing() {
    assertEquals(3, B2_DRAINED.ring().memberCount());
    assertEquals(ALL.ring().toString(), B2_DRAINED.ring().toString(), "the same ring, points and all");
    assertTrue(B2_DRAINED.isDrained(B2_DRAINED.ring().indexOf("b2")));
    assertEquals(Set.of("b2"), B2_DRAINED.drained());
    assertEquals(Set.of(), RoutingSnapshot.of(3, RoutingMode.HASH, BROKERS, 160, Set.of("b9")).drained(),
        "a flag of a broker that is not in the snapshot is ignored");
  }

  @Test
  void onlyTheDrainedBrokersKeysMoveEachToItsRingSuccessor() {
    Router before = router(ALL, BrokerAvailability.ALL, RoutingTable.EMPTY);
    Router after = router(B2_DRAINED, BrokerAvailability.ALL, RoutingTable.EMPTY);
    int moved = 0;
    for (int i = 0; i < 2000; i++) {
      String key = "client-" + i;
      String owner = before.route(key, null, null).broker().id();
      String now = after.route(key, null, null).broker().id();
      if (owner.equals("b2")) {
        moved++;
        assertEquals(successorWithout(key, "b2"), now, key);
      } else {
        assertEquals(owner, now, "a key of another broker does not move: " + key);
      }
    }
    assertTrue(moved > 400 && moved < 900, "about a third of the keys were b2's: " + moved);
  }

  @Test
  void drainedAndUnavailableAreBothSkipped() {
    Router router = router(B2_DRAINED, id -> !id.equals("b3"), RoutingTable.EMPTY);
    for (int i = 0; i < 300; i++) {
      assertEquals("b1", router.route("client-" + i, null, null).broker().id());
    }
  }

  @Test
  void aBrokerThatIsNotDrainedIsPreferredEvenWhenSuspect() {
    // b1 and b3 suspect (the suspicion may be stale), b2 drained: the operator's drain wins.
    Router router = router(B2_DRAINED, id -> id.equals("b2"), RoutingTable.EMPTY);
    for (int i = 0; i < 300; i++) {
      assertNotEquals("b2", router.route("client-" + i, null, null).broker().id());
    }
  }

  @Test
  void whenEveryBrokerIsDrainedTheRingOwnerIsTriedAnyway() {
    RoutingSnapshot allDrained = RoutingSnapshot.of(3, RoutingMode.HASH, BROKERS, 160, Set.of("b1", "b2", "b3"));
    Router router = router(allDrained, BrokerAvailability.ALL, RoutingTable.EMPTY);
    Router plain = router(ALL, BrokerAvailability.ALL, RoutingTable.EMPTY);
    assertEquals(plain.route("c", null, null).broker().id(), router.route("c", null, null).broker().id());
  }

  @Test
  void redispatchNeverPicksTheDrainedBroker() {
    Router router = router(B2_DRAINED, BrokerAvailability.ALL, RoutingTable.EMPTY);
    RouteDecision first = router.route("client-7", null, null);
    RouteDecision next = router.next(first, Set.of(first.broker().id()));
    assertNotEquals("b2", first.broker().id());
    assertNotEquals("b2", next.broker().id());
    assertNotEquals(first.broker().id(), next.broker().id());
  }

  @Test
  void tableEntriesNamingADrainedBrokerArePassedOver() {
    RoutingSnapshot table = RoutingSnapshot.of(4, RoutingMode.TABLE, BROKERS, 160, Set.of("b2"));
    RoutingTable pinnedToB2 = new RoutingTable() {
      @Override
      public String overrideBroker(String key) {
        return key.startsWith("o") ? "b2" : null;
      }

      @Override
      public String stickyBroker(String key) {
        return key.startsWith("s") ? "b2" : key.startsWith("o") ? "b3" : null;
      }
    };
    Router router = router(table, BrokerAvailability.ALL, pinnedToB2);
    RouteDecision sticky = router.route("s-1", null, null);
    assertEquals(RouteDecision.SOURCE_RING, sticky.source());
    assertNotEquals("b2", sticky.broker().id());
    RouteDecision override = router.route("o-1", null, null);
    assertEquals(RouteDecision.SOURCE_STICKY, override.source(), "the override is passed over, the sticky entry wins");
    assertEquals("b3", override.broker().id());
  }
}
