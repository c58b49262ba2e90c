package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shares of the hash space per ring member: exact on a ring written out, summing to 1 on any ring. */
class RingSharesTest {
  private static final BigInteger SPACE = BigInteger.ONE.shiftLeft(64);

  /** The ring of {@link HashRingTinyTest}: b, a, c, b, a, c in ring order. */
  @Test
  void theTinyRingsSharesAreItsArcs() {
    HashRing ring = HashRing.build(List.of(new RingMember("c", 1), new RingMember("a", 1), new RingMember("b", 1)), 2);
    long p0 = 0x20f00ca42c69c24aL;
    long p1 = 0x2388e6af8a09a1beL;
    long p2 = 0x34d199a23b897e7dL;
    long p3 = 0xac0dfb83a9f4f0baL;
    long p4 = 0xb3e034e0021b76bbL;
    long p5 = 0xb63969fab52a83a7L;
    BigInteger a = arc(p0, p1).add(arc(p3, p4));
    BigInteger b = arc(p2, p3).add(SPACE.subtract(unsigned(p5))).add(unsigned(p0));
    BigInteger c = arc(p1, p2).add(arc(p4, p5));
    assertEquals(SPACE, a.add(b).add(c), "the arcs cover the ring once");
    RingShares shares = RingShares.of(ring);
    assertEquals(fraction(a), shares.share("a"), 1e-12);
    assertEquals(fraction(b), shares.share("b"), 1e-12);
    assertEquals(fraction(c), shares.share("c"), 1e-12);
    assertEquals(0, shares.share("nobody"));
  }

  @Test
  void sharesSumToOneWhateverTheBrokersAndWeights() {
    Random random = new Random(20261207);
    for (int run = 0; run < 50; run++) {
      List<RingMember> members = new ArrayList<>();
      int count = 1 + random.nextInt(12);
      for (int i = 0; i < count; i++) {
        members.add(new RingMember("broker-" + random.nextInt(1_000_000) + "-" + i, 1 + random.nextInt(4)));
      }
      RingShares shares = RingShares.of(HashRing.build(members, 1 + random.nextInt(200)));
      double sum = 0;
      for (int i = 0; i < count; i++) {
        assertTrue(shares.share(i) >= 0 && shares.share(i) <= 1, "share " + shares.share(i));
        sum += shares.share(i);
      }
      assertEquals(1.0, sum, 1e-9, "run " + run + ": " + members);
    }
  }

  /** A member that is down or drained serves nothing; its arcs go to the next usable member clockwise. */
  @Test
  void anUnusableMembersArcsGoToItsSuccessors() {
    HashRing ring = HashRing.build(List.of(new RingMember("c", 1), new RingMember("a", 1), new RingMember("b", 1)), 2);
    RingShares all = RingShares.of(ring);
    int b = ring.indexOf("b");
    RingShares withoutB = RingShares.of(ring, index -> index != b);
    assertEquals(0, withoutB.share("b"));
    assertEquals(1.0, withoutB.share("a") + withoutB.share("c"), 1e-12);
    // b's points P0 and P3 are followed by a (P1) and a (P4): a takes both of b's arcs.
    assertEquals(all.share("a") + all.share("b"), withoutB.share("a"), 1e-12);
    assertEquals(all.share("c"), withoutB.share("c"), 1e-12);
    RingShares none = RingShares.of(ring, index -> false);
    assertEquals(0, none.share("a") + none.share("b") + none.share("c"));
  }

  @Test
  void aLoneMemberOwnsEverythingEvenWithOnePoint() {
    assertEquals(1.0, RingShares.of(HashRing.build(List.of(new RingMember("b1", 1)), 1)).share("b1"));
    assertEquals(1.0, RingShares.of(HashRing.build(List.of(new RingMember("b1", 1)), 160)).share("b1"), 1e-12);
  }

  @Test
  void anEmptyRingHasNoShares() {
    assertEquals(0, RingShares.of(HashRing.empty()).share("b1"));
  }

  /** With 160 points per unit of weight a member's share is near its part of the total weight. */
  @Test
  void aDoubleWeightOwnsAboutTwiceTheSpace() {
    RingShares shares = RingShares.of(HashRing.build(
        List.of(new RingMember("b1", 1), new RingMember("b2", 1), new RingMember("b3", 2)), 160));
    assertEquals(0.5, shares.share("b3"), 0.08);
    assertEquals(0.25, shares.share("b1"), 0.06);
  }

  private static BigInteger unsigned(long value) {
    return new BigInteger(Long.toUnsignedString(value));
  }

  private static BigInteger arc(long from, long to) {
    return unsigned(to).subtract(unsigned(from));
  }

  private static double fraction(BigInteger arc) {
    return new BigDecimal(arc).divide(new BigDecimal(SPACE), MathContext.DECIMAL64).doubleValue();
  }
}
