package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * A ring small enough to write out. Members a, b, c (indices 0, 1, 2), weight 1, two virtual
 * nodes each, so six points, in ring order (unsigned, ascending):
 *
 * <pre>
 *   pos  point               owner  hash of   keys it takes (first point >= key hash)
 *    0   0x20f00ca42c69c24a  b      "b#1"     [0, P0] and, wrapping, (P5, 0xffffffffffffffff]
 *    1   0x2388e6af8a09a1be  a      "a#1"     (P0, P1]
 *    2   0x34d199a23b897e7d  c      "c#1"     (P1, P2]
 *    3   0xac0dfb83a9f4f0ba  b      "b#0"     (P2, P3]   holds Long.MAX_VALUE and Long.MIN_VALUE
 *    4   0xb3e034e0021b76bb  a      "a#0"     (P3, P4]
 *    5   0xb63969fab52a83a7  c      "c#0"     (P4, P5]
 * </pre>
 *
 * Long.MAX_VALUE (0x7fff...) and Long.MIN_VALUE (0x8000...) are neighbours in unsigned order, so
 * both land on P3. (Signed order would number the positions from P3 instead of P0 but, being the
 * same circle rotated, would give every key the same owner.)
 */
class HashRingTinyTest {

  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;

  private static final long P0 = 0x20f00ca42c69c24aL;
  private static final long P1 = 0x2388e6af8a09a1beL;
  private static final long P2 = 0x34d199a23b897e7dL;
  private static final long P3 = 0xac0dfb83a9f4f0baL;
  private static final long P4 = 0xb3e034e0021b76bbL;
  private static final long P5 = 0xb63969fab52a83a7L;

  private static final HashRing RING =
      HashRing.build(
          List.of(new RingMember("c", 1), new RingMember("a", 1), new RingMember("b", 1)), 2);

  private static final IntPredicate ALL_UP = owner -> true;

  private static IntPredicate down(int... members) {
    return owner -> {
      for (int m : members) {
        if (m == owner) {
          return false;
        }
      }
      return true;
    };
  }

  @Test
  void tableInTheClassCommentIsTheRing() {
    assertEquals(
        List.of("a", "b", "c"), List.of(RING.memberId(A), RING.memberId(B), RING.memberId(C)));
    assertEquals(6, RING.pointCount());
    long[] points = {P0, P1, P2, P3, P4, P5};
    int[] owners = {B, A, C, B, A, C};
    String[] sources = {"b#1", "a#1", "c#1", "b#0", "a#0", "c#0"};
    for (int p = 0; p < points.length; p++) {
      assertEquals(points[p], RING.point(p), "point " + p);
      assertEquals(owners[p], RING.pointOwner(p), "owner of point " + p);
      assertEquals(points[p], RingHash.hashKey(sources[p]), "source of point " + p);
      String[] source = sources[p].split("#");
      assertEquals(points[p], RingHash.hashPoint(source[0], Integer.parseInt(source[1])));
    }
  }

  @Test
  void membersAreIndexedById() {
    assertEquals(3, RING.memberCount());
    assertEquals(A, RING.indexOf("a"));
    assertEquals(B, RING.indexOf("b"));
    assertEquals(C, RING.indexOf("c"));
    assertEquals(-1, RING.indexOf("d"));
    assertEquals(-1, RING.indexOf(""));
    assertEquals(1, RING.weight(B));
    assertEquals(
        List.of(new RingMember("a", 1), new RingMember("b", 1), new RingMember("c", 1)),
        RING.members());
  }

  @Test
  void hashZeroGoesToTheFirstPoint() {
    assertEquals(B, RING.lookup(0L));
  }

  @Test
  void exactlyAtAPointIsThatPointsOwner() {
    assertEquals(B, RING.lookup(P0));
    assertEquals(A, RING.lookup(P1));
    assertEquals(C, RING.lookup(P2));
    assertEquals(B, RING.lookup(P3));
    assertEquals(A, RING.lookup(P4));
    assertEquals(C, RING.lookup(P5));
  }

  @Test
  void onePastAPointIsTheNextPointsOwner() {
    assertEquals(A, RING.lookup(P0 + 1));
    assertEquals(C, RING.lookup(P1 + 1));
    assertEquals(B, RING.lookup(P2 + 1));
    assertEquals(A, RING.lookup(P3 + 1));
    assertEquals(C, RING.lookup(P4 + 1));
  }

  @Test
  void pastTheLastPointWrapsToTheFirst() {
    assertEquals(B, RING.lookup(P5 + 1));
    assertEquals(B, RING.lookup(-1L)); // 0xffffffffffffffff, the largest hash
  }

  @Test
  void unsignedOrderPutsMaxAndMinValueSideBySide() {
    assertEquals(B, RING.lookup(Long.MAX_VALUE)); // 0x7fff... in (P2, P3]
    assertEquals(B, RING.lookup(Long.MIN_VALUE)); // 0x8000... in (P2, P3]
    assertEquals(B, RING.lookup(P2 + 1));
  }

  @Test
  void allUpIsPlainLookup() {
    for (long h : new long[] {0, P0, P0 + 1, P2 + 1, P3, P5, P5 + 1, Long.MIN_VALUE, -1}) {
      assertEquals(RING.lookup(h), RING.lookup(h, ALL_UP), () -> Long.toHexString(h));
    }
  }

  @Test
  void downMembersAreSkippedClockwise() {
    assertEquals(A, RING.lookup(P0, down(B))); // P0 (b) -> P1 (a)
    assertEquals(C, RING.lookup(P0, down(B, A))); // P0 (b) -> P1 (a) -> P2 (c)
    assertEquals(B, RING.lookup(P1 + 1, down(C))); // P2 (c) -> P3 (b)
    assertEquals(A, RING.lookup(Long.MIN_VALUE, down(B))); // P3 (b) -> P4 (a)
    assertEquals(C, RING.lookup(P4, down(A, B))); // P4 (a) -> P5 (c)
  }

  @Test
  void skippingWrapsAroundTheEnd() {
    assertEquals(B, RING.lookup(P5, down(C))); // P5 (c) -> P0 (b)
    assertEquals(A, RING.lookup(P5 + 1, down(B))); // P0 (b) -> P1 (a)
    assertEquals(A, RING.lookup(P4 + 1, down(C, B))); // P5 (c) -> P0 (b) -> P1 (a)
  }

  @Test
  void allDownIsMinusOneAfterAskingEachMemberOnce() {
    AtomicInteger asked = new AtomicInteger();
    IntPredicate noneUsable =
        owner -> {
          asked.incrementAndGet();
          return false;
        };
    assertEquals(-1, RING.lookup(P3 + 1, noneUsable));
    assertEquals(3, asked.get());
  }

  @Test
  void emptyRingAnswersMinusOne() {
    for (HashRing empty : List.of(HashRing.empty(), HashRing.build(List.of(), 2))) {
      assertEquals(0, empty.memberCount());
      assertEquals(0, empty.pointCount());
      assertEquals(List.of(), empty.members());
      assertEquals(-1, empty.indexOf("a"));
      assertEquals(-1, empty.lookup(0));
      assertEquals(-1, empty.lookup(-1));
      assertEquals(-1, empty.lookup(0, ALL_UP));
    }
  }

  @Test
  void oneMemberOwnsEverything() {
    HashRing single = HashRing.build(List.of(new RingMember("a", 3)), 2);
    assertEquals(6, single.pointCount());
    for (long h : new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
      assertEquals(A, single.lookup(h));
      assertEquals(A, single.lookup(h, ALL_UP));
      assertEquals(-1, single.lookup(h, down(A)));
    }
  }
}
