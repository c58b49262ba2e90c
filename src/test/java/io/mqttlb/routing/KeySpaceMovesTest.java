package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.routing.KeySpaceMoves.Pair;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exact key-space shares of a change, against two independent oracles: arc sums computed straight
 * from the rings' points for a removal and an addition (exact to double precision), and random keys
 * routed one by one for combined changes, drained and unavailable brokers included (within a few
 * standard errors of the sample).
 */
class KeySpaceMovesTest {
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
  private static final List<BrokerConfig> FOUR = List.of(
      new BrokerConfig("b1", "127.0.0.1", 1884, 1),
      new BrokerConfig("b2", "127.0.0.1", 1885, 2),
      new BrokerConfig("b3", "127.0.0.1", 1886, 1),
      new BrokerConfig("b4", "127.0.0.1", 1887, 1));
  private static final RoutingSnapshot NOW = RoutingSnapshot.of(5, RoutingMode.HASH, FOUR, 160);

  private static Router router(RoutingSnapshot snapshot, BrokerAvailability availability) {
    return new Router(() -> snapshot, KeyField.CLIENT_ID, availability);
  }

  private static KeySpaceMoves moves(TopologyChange change, BrokerAvailability availability) {
    Router now = router(NOW, availability);
    return KeySpaceMoves.between(now, now.pinnedTo(change.applyTo(NOW)));
  }

  /** The arc ending at ring position {@code p}: from the previous point (exclusive) to it, wrapping. */
  private static BigInteger arc(HashRing ring, int p) {
    long previous = ring.point(p == 0 ? ring.pointCount() - 1 : p - 1);
    return new BigInteger(Long.toUnsignedString(ring.point(p) - previous));
  }

  private static double fraction(BigInteger hashes) {
    return new BigDecimal(hashes).divide(new BigDecimal(TWO_TO_64), MathContext.DECIMAL64).doubleValue();
  }

  @Test
  void removingABrokerMovesExactlyItsArcsEachToItsSuccessor() {
    HashRing ring = NOW.ring();
    int b2 = ring.indexOf("b2");
    Map<Pair, BigInteger> expected = new TreeMap<>();
    for (int p = 0; p < ring.pointCount(); p++) {
      if (ring.pointOwner(p) != b2) {
        continue;
      }
      int successor = p;
      while (ring.pointOwner(successor) == b2) {
        successor = (successor + 1) % ring.pointCount();
      }
      expected.merge(new Pair("b2", ring.memberId(ring.pointOwner(successor))), arc(ring, p), BigInteger::add);
    }
    KeySpaceMoves moves = moves(new TopologyChange(Set.of("b2"), Map.of(), Map.of(), Set.of()), BrokerAvailability.ALL);

    assertEquals(expected.keySet(), moves.shares().keySet());
    expected.forEach((pair, hashes) -> assertEquals(fraction(hashes), moves.shares().get(pair), 1e-12, pair.toString()));
    // b2 has weight 2 of 5: about 40 % of the keys, and exactly its arcs.
    assertEquals(fraction(expected.values().stream().reduce(BigInteger.ZERO, BigInteger::add)), moves.total(), 1e-12);
    assertTrue(moves.total() > 0.3 && moves.total() < 0.5, "b2 holds 2/5 of the ring: " + moves.total());
  }

  @Test
  void addingABrokerMovesExactlyTheArcsEndingAtItsPoints() {
    RoutingSnapshot after = new TopologyChange(Set.of(), Map.of("b5", 3), Map.of(), Set.of()).applyTo(NOW);
    HashRing ring = after.ring();
    int b5 = ring.indexOf("b5");
    Map<Pair, BigInteger> expected = new TreeMap<>();
    for (int p = 0; p < ring.pointCount(); p++) {
      if (ring.pointOwner(p) == b5) {
        String from = NOW.ring().memberId(NOW.ring().lookup(ring.point(p)));
        expected.merge(new Pair(from, "b5"), arc(ring, p), BigInteger::add);
      }
    }
    KeySpaceMoves moves = moves(new TopologyChange(Set.of(), Map.of("b5", 3), Map.of(), Set.of()), BrokerAvailability.ALL);

    assertEquals(expected.keySet(), moves.shares().keySet(), "a new broker only takes keys, from every other");
    expected.forEach((pair, hashes) -> assertEquals(fraction(hashes), moves.shares().get(pair), 1e-12, pair.toString()));
    assertTrue(moves.total() > 0.3 && moves.total() < 0.45, "weight 3 of 8: about 3/8 moves: " + moves.total());
  }

  @Test
  void aTinyRingByHand() {
    // One point per broker: a key goes to the first point at or after its hash. Adding c takes the
    // arc from the point before c's (wrapping) up to c's point, from that arc's old owner.
    List<BrokerConfig> two = List.of(new BrokerConfig("a", "127.0.0.1", 1, 1), new BrokerConfig("b", "127.0.0.1", 2, 1));
    RoutingSnapshot before = RoutingSnapshot.of(1, RoutingMode.HASH, two, 1);
    long a = RingHash.hashPoint("a", 0);
    long b = RingHash.hashPoint("b", 0);
    long c = RingHash.hashPoint("c", 0);
    long previous = Long.MIN_VALUE;
    boolean found = false;
    for (long point : new long[] {a, b}) {
      if (Long.compareUnsigned(point, c) < 0 && (!found || Long.compareUnsigned(point, previous) > 0)) {
        previous = point;
        found = true;
      }
    }
    if (!found) { // c is the lowest point: its arc wraps round from the highest
      previous = Long.compareUnsigned(a, b) > 0 ? a : b;
    }
    String from = before.ring().memberId(before.ring().lookup(c));
    Router router = router(before, BrokerAvailability.ALL);
    KeySpaceMoves moves = KeySpaceMoves.between(router,
        router.pinnedTo(new TopologyChange(Set.of(), Map.of("c", 1), Map.of(), Set.of()).applyTo(before)));

    assertEquals(Set.of(new Pair(from, "c")), moves.shares().keySet());
    assertEquals(fraction(new BigInteger(Long.toUnsignedString(c - previous))), moves.total(), 1e-15);
  }

  @Test
  void aChangeThatChangesNothingMovesNothing() {
    KeySpaceMoves moves = moves(new TopologyChange(Set.of(), Map.of(), Map.of("b2", 2), Set.of()), BrokerAvailability.ALL);
    assertEquals(Map.of(), moves.shares());
    assertEquals(0.0, moves.total());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void combinedChangesMatchRandomKeysRoutedOneByOne(int seed) {
    Random random = new Random(seed);
    List<String> ids = List.of("b1", "b2", "b3", "b4");
    Set<String> remove = random.nextBoolean() ? Set.of(ids.get(random.nextInt(4))) : Set.of();
    Map<String, Integer> add = random.nextBoolean() ? Map.of("b9", 1 + random.nextInt(3)) : Map.of();
    Map<String, Integer> weights = new HashMap<>();
    Set<String> drain = new java.util.HashSet<>();
    for (String id : ids) {
      if (!remove.contains(id) && random.nextInt(3) == 0) {
        weights.put(id, 1 + random.nextInt(4));
      } else if (!remove.contains(id) && random.nextInt(4) == 0) {
        drain.add(id);
      }
    }
    if (remove.isEmpty() && add.isEmpty() && weights.isEmpty() && drain.isEmpty()) {
      add = Map.of("b9", 2);
    }
    String down = seed % 2 == 0 ? ids.get(random.nextInt(4)) : null; // health: skipped before and after
    BrokerAvailability availability = id -> !id.equals(down);
    TopologyChange change = new TopologyChange(remove, add, weights, drain);
    KeySpaceMoves moves = moves(change, availability);
    Router before = router(NOW, availability);
    Router after = before.pinnedTo(change.applyTo(NOW));

    int samples = 400_000;
    Map<Pair, Integer> counted = new TreeMap<>();
    Random keys = new Random(1000 + seed);
    for (int i = 0; i < samples; i++) {
      long hash = keys.nextLong();
      String from = before.ringBroker(hash).id();
      String to = after.ringBroker(hash).id();
      if (!from.equals(to)) {
        counted.merge(new Pair(from, to), 1, Integer::sum);
      }
    }
    List<String> report = new ArrayList<>();
    Set<Pair> pairs = new java.util.TreeSet<>(counted.keySet());
    pairs.addAll(moves.shares().keySet());
    for (Pair pair : pairs) {
      double exact = moves.shares().getOrDefault(pair, 0.0);
      double sampled = counted.getOrDefault(pair, 0) / (double) samples;
      // Five standard errors of the sample, and one key in the sample for pairs too small to see.
      double bound = 5 * Math.sqrt(Math.max(exact, 1.0 / samples) * (1 - exact) / samples) + 1.0 / samples;
      report.add(pair + " exact " + exact + " sampled " + sampled);
      assertTrue(Math.abs(exact - sampled) <= bound, change.describe() + " (down: " + down + "): " + report);
    }
    assertTrue(moves.total() > 0, change.describe() + " moves some keys");
  }
}
