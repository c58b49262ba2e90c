package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hash-mode routing over a snapshot: ring owner, skipping unavailable brokers, and redispatch order. */
class RouterTest {
  private static final List<BrokerConfig> BROKERS = List.of(
      new BrokerConfig("b1", "127.0.0.1", 1884, 1),
      new BrokerConfig("b2", "127.0.0.1", 1885, 1),
      new BrokerConfig("b3", "127.0.0.1", 1886, 1));
  private static final RoutingSnapshot SNAPSHOT = RoutingSnapshot.of(7, BROKERS, 160);

  private static String ringOwner(String key) {
    HashRing ring = SNAPSHOT.ring();
    return ring.memberId(ring.lookup(RingHash.hashKey(key)));
  }

  @Test
  void routesToTheRingOwnerAndSaysWhy() {
    Router router = new Router(() -> SNAPSHOT, KeyField.CLIENT_ID, BrokerAvailability.ALL);
    for (int i = 0; i < 100; i++) {
      RouteDecision decision = router.route("client-" + i, "user", "10.0.0.1");
      assertEquals(ringOwner("client-" + i), decision.broker().id());
      assertEquals(RouteDecision.SOURCE_RING, decision.source());
      assertEquals(7, decision.epoch());
      assertEquals(RoutingKey.Source.CLIENT_ID, decision.key().source());
    }
  }

  @Test
  void routesByUsernameWhenConfigured() {
    Router router = new Router(() -> SNAPSHOT, KeyField.USERNAME, BrokerAvailability.ALL);
    RouteDecision decision = router.route("client-1", "alice", "10.0.0.1");
    assertEquals("alice", decision.key().value());
    assertEquals(ringOwner("alice"), decision.broker().id());
  }

  @Test
  void routesByCertificateCnWhenConfiguredAndByClientIdWithoutOne() {
    Router router = new Router(() -> SNAPSHOT, KeyField.CERTIFICATE_CN, BrokerAvailability.ALL);
    for (int i = 0; i < 100; i++) {
      RouteDecision byCn = router.route("same-client-id", "alice", "10.0.0.1", "device-" + i);
      assertEquals("device-" + i, byCn.key().value());
      assertEquals(RoutingKey.Source.CERTIFICATE_CN, byCn.key().source());
      assertEquals(ringOwner("device-" + i), byCn.broker().id());
    }
    RouteDecision withoutCn = router.route("client-1", "alice", "10.0.0.1");
    assertEquals(RoutingKey.Source.CLIENT_ID, withoutCn.key().source());
    assertEquals(ringOwner("client-1"), withoutCn.broker().id());
    assertEquals(withoutCn, router.route("client-1", "alice", "10.0.0.1", null));
  }

  @Test
  void aCnDoesNotRouteANodeThatRoutesByClientId() {
    Router router = new Router(() -> SNAPSHOT, KeyField.CLIENT_ID, BrokerAvailability.ALL);
    RouteDecision decision = router.route("client-1", null, "10.0.0.1", "device-7");
    assertEquals("client-1", decision.key().value());
    assertEquals(ringOwner("client-1"), decision.broker().id());
  }

  @Test
  void skipsAnUnavailableBrokerAndMovesOnlyItsClients() {
    Router all = new Router(() -> SNAPSHOT, KeyField.CLIENT_ID, BrokerAvailability.ALL);
    Router withoutB2 = new Router(() -> SNAPSHOT, KeyField.CLIENT_ID, id -> !id.equals("b2"));
    for (int i = 0; i < 1000; i++) {
      String clientId = "client-" + i;
      String before = all.route(clientId, null, null).broker().id();
      String after = withoutB2.route(clientId, null, null).broker().id();
      if (before.equals("b2")) {
        assertNotEquals("b2", after);
      } else {
        assertEquals(before, after, "a client of a healthy broker does not move");
      }
    }
  }

  @Test
  void whenEveryBrokerIsUnavailableTheOwnerIsTriedAnyway() {
    Router router = new Router(() -> SNAPSHOT, KeyField.CLIENT_ID, id -> false);
    assertEquals(ringOwner("client-9"), router.route("client-9", null, null).broker().id());
  }

  @Test
  void redispatchWalksClockwiseThroughEveryBrokerOnceThenGivesUp() {
    Router router = new Router(() -> SNAPSHOT, KeyField.CLIENT_ID, BrokerAvailability.ALL);
    RouteDecision decision = router.route("client-42", null, null);
    Set<String> tried = new HashSet<>();
    while (decision != null) {
      assertEquals(false, tried.contains(decision.broker().id()), "each broker is tried once");
      tried.add(decision.broker().id());
      decision = router.next(decision, tried);
    }
    assertEquals(Set.of("b1", "b2", "b3"), tried);
  }

  @Test
  void noBrokersNoDecision() {
    RoutingSnapshot empty = RoutingSnapshot.of(1, List.of(), 160);
    assertNull(new Router(() -> empty, KeyField.CLIENT_ID, BrokerAvailability.ALL).route("x", null, null));
  }
}
