package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.RoutingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Table-mode routing: override, then sticky entry, then ring; a table entry that
 * names a broker that is gone, unavailable or already tried falls through to the ring.
 */
class TableRouterTest {
  private static final List<BrokerConfig> BROKERS = List.of(
      new BrokerConfig("b1", "127.0.0.1", 1884, 1),
      new BrokerConfig("b2", "127.0.0.1", 1885, 1),
      new BrokerConfig("b3", "127.0.0.1", 1886, 1));
  private static final RoutingSnapshot TABLE = RoutingSnapshot.of(3, RoutingMode.TABLE, BROKERS, 160);
  private static final RoutingSnapshot HASH = RoutingSnapshot.of(3, RoutingMode.HASH, BROKERS, 160);

  private final Map<String, String> overrides = new HashMap<>();
  private final Map<String, String> sticky = new HashMap<>();
  private final RoutingTable table = new RoutingTable() {
    @Override
    public String overrideBroker(String key) {
      return overrides.get(key);
    }

    @Override
    public String stickyBroker(String key) {
      return sticky.get(key);
    }
  };

  private static String ringOwner(String key) {
    return TABLE.broker(TABLE.ring().lookup(RingHash.hashKey(key))).id();
  }

  /** A broker that is not the key's ring owner, so that a table hit is visible. */
  private static String notOwner(String key) {
    return ringOwner(key).equals("b1") ? "b2" : "b1";
  }

  private Router router(RoutingSnapshot snapshot, BrokerAvailability availability) {
    return new Router(() -> snapshot, KeyField.CLIENT_ID, availability, table);
  }

  @Test
  void overrideThenStickyThenRing() {
    Router router = router(TABLE, BrokerAvailability.ALL);
    sticky.put("c1", notOwner("c1"));
    RouteDecision fromSticky = router.route("c1", null, null);
    assertEquals(notOwner("c1"), fromSticky.broker().id());
    assertEquals(RouteDecision.SOURCE_STICKY, fromSticky.source());
    assertEquals(3, fromSticky.epoch());

    overrides.put("c1", "b3");
    RouteDecision fromOverride = router.route("c1", null, null);
    assertEquals("b3", fromOverride.broker().id());
    assertEquals(RouteDecision.SOURCE_OVERRIDE, fromOverride.source());

    RouteDecision fromRing = router.route("c2", null, null);
    assertEquals(ringOwner("c2"), fromRing.broker().id());
    assertEquals(RouteDecision.SOURCE_RING, fromRing.source());
  }

  @Test
  void byCertificateCnTheTableIsKeyedByTheCn() {
    Router router = new Router(() -> TABLE, KeyField.CERTIFICATE_CN, BrokerAvailability.ALL, table);
    overrides.put("device-7", notOwner("device-7"));
    RouteDecision pinned = router.route("shared-id", null, "10.0.0.1", "device-7");
    assertEquals(notOwner("device-7"), pinned.broker().id());
    assertEquals(RouteDecision.SOURCE_OVERRIDE, pinned.source());
    assertEquals("device-7", pinned.key().value(), "the sticky entry written after the connection is keyed by the CN too");

    sticky.put("device-8", notOwner("device-8"));
    RouteDecision fromSticky = router.route("shared-id", null, "10.0.0.1", "device-8");
    assertEquals(notOwner("device-8"), fromSticky.broker().id());
    assertEquals(RouteDecision.SOURCE_STICKY, fromSticky.source());

    // Without a certificate the client id is the key; the table has one key space, as for client ids and
    // user names, so a client id equal to a CN finds the CN's entry.
    RouteDecision noCertificate = router.route("device-7", null, "10.0.0.1", null);
    assertEquals(RoutingKey.Source.CLIENT_ID, noCertificate.key().source());
    assertEquals(notOwner("device-7"), noCertificate.broker().id());
  }

  @Test
  void hashModeIgnoresTheTable() {
    overrides.put("c1", notOwner("c1"));
    sticky.put("c1", notOwner("c1"));
    RouteDecision decision = router(HASH, BrokerAvailability.ALL).route("c1", null, null);
    assertEquals(ringOwner("c1"), decision.broker().id());
    assertEquals(RouteDecision.SOURCE_RING, decision.source());
  }

  @Test
  void anEntryNamingAnUnknownOrUnavailableBrokerFallsToTheRing() {
    overrides.put("gone", "b9");
    assertEquals(RouteDecision.SOURCE_RING, router(TABLE, BrokerAvailability.ALL).route("gone", null, null).source());

    String down = notOwner("c3");
    sticky.put("c3", down);
    RouteDecision decision = router(TABLE, id -> !id.equals(down)).route("c3", null, null);
    assertEquals(ringOwner("c3"), decision.broker().id());
    assertEquals(RouteDecision.SOURCE_RING, decision.source());

    // An unavailable override falls to a live sticky entry before the ring.
    overrides.put("c4", "b3");
    sticky.put("c4", notOwner("c4").equals("b3") ? "b1" : notOwner("c4"));
    RouteDecision sticky4 = router(TABLE, id -> !id.equals("b3")).route("c4", null, null);
    assertEquals(RouteDecision.SOURCE_STICKY, sticky4.source());
  }

  @Test
  void redispatchAfterATableBrokerFailedWalksTheRing() {
    Router router = router(TABLE, BrokerAvailability.ALL);
    overrides.put("c5", "b2");
    RouteDecision first = router.route("c5", null, null);
    assertEquals("b2", first.broker().id());
    RouteDecision next = router.next(first, Set.of("b2"));
    assertEquals(RouteDecision.SOURCE_RING, next.source());
    assertEquals(TABLE.broker(TABLE.ring().lookup(RingHash.hashKey("c5"),
        i -> !TABLE.ring().memberId(i).equals("b2"))).id(), next.broker().id());
  }
}
