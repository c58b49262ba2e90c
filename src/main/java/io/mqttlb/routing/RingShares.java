package io.mqttlb.routing;

import java.util.function.IntPredicate;

/**
 * How much of the hash space each member of a {@link HashRing} owns: the sum of the arcs that end
 * at its points, over the whole ring of 2^64 values. A point owns the arc from the point before it
 * (exclusive) up to itself (inclusive), because a key goes to the first point at or after its hash;
 * the first point also owns the wrap-around arc past the last point. Pure and immutable.
 *
 * <p>Worked example on the ring of {@code HashRingTinyTest} (b at P0, a at P1, c at P2, ...): a owns
 * (P0, P1] and (P3, P4], b owns (P2, P3] and the wrap (P5, 2^64) + [0, P0], c the rest; the three
 * shares add up to 1.
 */
public final class RingShares {
  /** 2^64 as a double: the size of the hash space. */
  private static final double SPACE = 0x1p64;

  private final HashRing ring;
  private final double[] shares;

  private RingShares(HashRing ring, double[] shares) {
    this.ring = ring;
    this.shares = shares;
  }

  /** Measures every member's share; one pass over the points. */
  public static RingShares of(HashRing ring) {
    return of(ring, null);
  }

  /**
   * Measures the shares with the members for which {@code usable} is false skipped: each arc goes
   * to the member that takes its keys, the first usable one clockwise (as {@link
   * HashRing#lookup(long, IntPredicate)} routes them), so an unusable member's share is 0 and its
   * successors' grow. With no usable member every share is 0. One lookup per point.
   *
   * @param usable null: every member
   */
  public static RingShares of(HashRing ring, IntPredicate usable) {
    double[] shares = new double[ring.memberCount()];
    int n = ring.pointCount();
    for (int p = 0; p < n; p++) {
      int owner = usable == null ? ring.pointOwner(p) : ring.lookup(ring.point(p), usable);
      if (owner < 0) {
        continue;
      }
      if (n == 1) {
        shares[owner] = 1;
      } else {
        long previous = ring.point(p == 0 ? n - 1 : p - 1);
        // Unsigned distance, modulo 2^64: for p == 0 it is the wrap-around arc past the last point.
        shares[owner] += unsignedToDouble(ring.point(p) - previous) / SPACE;
      }
    }
    return new RingShares(ring, shares);
  }

  /** The share of the member at {@code index}: from 0 to 1 (a sum of arcs may round a hair above 1). */
  public double share(int index) {
    return Math.min(1, shares[index]);
  }

  /** The share of the member with this id; 0 if it is not on the ring. */
  public double share(String id) {
    int index = ring.indexOf(id);
    return index < 0 ? 0 : share(index);
  }

  public HashRing ring() {
    return ring;
  }

  private static double unsignedToDouble(long value) {
    double high = (double) (value >>> 1) * 2.0;
    return high + (value & 1);
  }
}
