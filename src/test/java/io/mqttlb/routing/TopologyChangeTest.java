package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.RoutingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A change asked about gives the snapshot the real change would give, and the clients a rebalance
 * would then move are those whose routing changes by the same rules, table entries included.
 */
class TopologyChangeTest {
  private static final List<BrokerConfig> BROKERS = List.of(
      new BrokerConfig("b1", "127.0.0.1", 1884, 1),
      new BrokerConfig("b2", "127.0.0.1", 1885, 1),
      new BrokerConfig("b3", "127.0.0.1", 1886, 2));
  private static final RoutingSnapshot NOW = RoutingSnapshot.of(4, RoutingMode.TABLE, BROKERS, 100, Set.of("b3"));

  private static long[] points(HashRing ring) {
    long[] points = new long[ring.pointCount()];
    for (int p = 0; p < points.length; p++) {
      points[p] = ring.point(p);
    }
    return points;
  }

  @Test
  void theSnapshotIsTheOneTheRealChangeWouldBuild() {
    RoutingSnapshot asked = new TopologyChange(Set.of("b1"), Map.of("b4", 2), Map.of("b2", 3), Set.of("b2"))
        .applyTo(NOW);
    // The real change: the broker list and drained flags as the shared state would hold them.
    RoutingSnapshot real = RoutingSnapshot.of(9, RoutingMode.TABLE, List.of(
        new BrokerConfig("b2", "127.0.0.1", 1885, 3),
        new BrokerConfig("b3", "127.0.0.1", 1886, 2),
        new BrokerConfig("b4", "10.0.0.4", 1883, 2)), 100, Set.of("b2", "b3"));

    assertEquals(real.ring().members(), asked.ring().members());
    assertArrayEquals(points(real.ring()), points(asked.ring()));
    assertEquals(real.drained(), asked.drained());
    assertEquals(RoutingMode.TABLE, asked.mode());
    assertEquals(100, asked.ring().virtualNodes());
    assertEquals(NOW.broker("b2").address(), asked.broker("b2").address(), "a re-weighted broker keeps its address");
  }

  @Test
  void aRemovedBrokerTakesItsDrainedFlagWithIt() {
    RoutingSnapshot asked = new TopologyChange(Set.of("b3"), Map.of(), Map.of(), Set.of()).applyTo(NOW);
    assertEquals(Set.of(), asked.drained());
    assertEquals(2, asked.ring().memberCount());
  }

  @Test
  void refusesWhatTheRealChangeCouldNotDo() {
    assertThrows(TopologyChange.UnknownBroker.class, () -> change(Set.of("b9"), Map.of(), Map.of(), Set.of()));
    assertThrows(TopologyChange.UnknownBroker.class, () -> change(Set.of(), Map.of(), Map.of(), Set.of("b9")));
    assertThrows(TopologyChange.UnknownBroker.class, () -> change(Set.of(), Map.of(), Map.of("b9", 2), Set.of()));
    assertMessage("exists already", () -> change(Set.of(), Map.of("b1", 1), Map.of(), Set.of()));
    assertMessage("leaves no broker", () -> change(Set.of("b1", "b2", "b3"), Map.of(), Map.of(), Set.of()));
    assertMessage("both removed and drained", () -> change(Set.of("b1"), Map.of(), Map.of(), Set.of("b1")));
    assertMessage("both removed and re-weighted", () -> change(Set.of("b1"), Map.of(), Map.of("b1", 2), Set.of()));
    assertMessage("give its weight once", () -> change(Set.of(), Map.of("b4", 1), Map.of("b4", 2), Set.of()));
    assertMessage("weight", () -> change(Set.of(), Map.of("b4", 0), Map.of(), Set.of()));
    assertMessage("id", () -> change(Set.of(), Map.of("no spaces", 1), Map.of(), Set.of()));
    // Removing every broker but adding one is a valid change.
    assertEquals(1, change(Set.of("b1", "b2", "b3"), Map.of("b4", 1), Map.of(), Set.of()).ring().memberCount());
  }

  private static RoutingSnapshot change(Set<String> remove, Map<String, Integer> add, Map<String, Integer> weights,
                                        Set<String> drain) {
    return new TopologyChange(remove, add, weights, drain).applyTo(NOW);
  }

  private static void assertMessage(String mentions, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(mentions), "'" + e.getMessage() + "' should mention " + mentions);
  }

  @Test
  void describesItselfInOrder() {
    assertEquals("remove b2, add b4 (weight 1), weight b1:2, drain b3",
        new TopologyChange(Set.of("b2"), Map.of("b4", 1), Map.of("b1", 2), Set.of("b3")).describe());
  }

  @Test
  void clientsMoveByTheTableRulesAsARebalanceWould() {
    Map<String, String> overrides = new HashMap<>();
    Map<String, String> sticky = new HashMap<>();
    RoutingTable table = new RoutingTable() {
      @Override
      public String overrideBroker(String key) {
        return overrides.get(key);
      }

      @Override
      public String stickyBroker(String key) {
        return sticky.get(key);
      }
    };
    RoutingSnapshot hashNow = RoutingSnapshot.of(1, RoutingMode.TABLE, BROKERS, 100);
    Router router = new Router(() -> hashNow, KeyField.CLIENT_ID, BrokerAvailability.ALL, table);
    Router afterAdd = router.pinnedTo(new TopologyChange(Set.of(), Map.of("b4", 4), Map.of(), Set.of()).applyTo(hashNow));
    Router afterRemove = router.pinnedTo(new TopologyChange(Set.of("b1"), Map.of(), Map.of(), Set.of()).applyTo(hashNow));

    String toB4 = null;
    for (int i = 0; toB4 == null; i++) {
      RouteDecision decision = afterAdd.route(new RoutingKey("k" + i, RoutingKey.Source.CLIENT_ID));
      toB4 = decision.broker().id().equals("b4") ? "k" + i : null;
    }
    RoutingKey key = new RoutingKey(toB4, RoutingKey.Source.CLIENT_ID);
    String owner = router.route(key).broker().id();
    assertEquals("b4", afterAdd.movesTo(owner, key), "no table entry: the ring decides");
    sticky.put(toB4, owner);
    assertNull(afterAdd.movesTo(owner, key), "a live sticky entry keeps the client where it is");
    overrides.put(toB4, "b1");
    assertEquals("b1", afterAdd.movesTo(owner.equals("b1") ? "b2" : owner, key), "an override wins");
    assertTrue(afterRemove.movesTo("b1", key) != null && !afterRemove.movesTo("b1", key).equals("b1"),
        "an override naming a removed broker falls through");
    assertNull(router.movesTo(router.route(key).broker().id(), key), "nothing moves without a change");
  }
}
