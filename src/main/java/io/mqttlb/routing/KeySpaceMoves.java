package io.mqttlb.routing;

import io.mqttlb.config.BrokerConfig;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact share of the key space whose broker differs between two routers, per pair (broker
 * before → broker after), as a fraction of the 2^64 key hashes.
 *
 * <p>Exact, not sampled: a ring's answer for a hash depends only on the first point at or after it,
 * so it is constant on every arc between two consecutive points of the <em>union</em> of both rings'
 * points. Each arc is asked of both routers once, at its last hash (its closing point), and its length
 * counts for the pair when the answers differ. The routers' own ring rules decide (drained and
 * unavailable brokers skipped, see {@link Router#ringBroker}); the table is not consulted, since its
 * entries are single keys, not arcs. Worked example, two points per ring:
 *
 * <pre>
 *   before: A at 100, B at 300        after: A at 100, C at 200, B at 300
 *   arc          before  after
 *   (300, 100]   A       A           wraps round past 2^64 - 1
 *   (100, 200]   B       C           100 hashes: B → C
 *   (200, 300]   B       B
 * </pre>
 *
 * Cost: one pass over both rings' points with two lookups per arc. Immutable.
 */
public final class KeySpaceMoves {
  private static final double TWO_TO_64 = 0x1p64;

  /** "from → to" per pair, with its share of the key space in (0, 1]; sorted by from, then to. */
  private final Map<Pair, Double> shares;

  /** A broker pair; {@code from} is null when there was no broker before (an empty tier). */
  public record Pair(String from, String to) implements Comparable<Pair> {
    @Override
    public int compareTo(Pair other) {
      int byFrom = String.valueOf(from).compareTo(String.valueOf(other.from));
      return byFrom != 0 ? byFrom : String.valueOf(to).compareTo(String.valueOf(other.to));
    }
  }

  private KeySpaceMoves(Map<Pair, Double> shares) {
    this.shares = Collections.unmodifiableMap(shares);
  }

  /** The key space that {@code after} routes elsewhere than {@code before}, both asked for their snapshots now. */
  public static KeySpaceMoves between(Router before, Router after) {
    HashRing a = before.snapshot().ring();
    HashRing b = after.snapshot().ring();
    Map<Pair, UnsignedSum> sums = new TreeMap<>();
    int i = 0;
    int j = 0;
    int total = a.pointCount() + b.pointCount();
    if (total == 0) {
      return new KeySpaceMoves(new TreeMap<>());
    }
    // The union of the points in ascending unsigned order; the arc ending at each point starts
    // after the previous one, and the first arc wraps round from the last point.
    long first = Long.compareUnsigned(next(a, i), next(b, j)) <= 0 ? next(a, i) : next(b, j);
    long previous = 0;
    boolean started = false;
    long last = first;
    for (int taken = 0; taken < total; taken++) {
      long point;
      if (j >= b.pointCount() || (i < a.pointCount() && Long.compareUnsigned(a.point(i), b.point(j)) <= 0)) {
        point = a.point(i++);
      } else {
        point = b.point(j++);
      }
      if (started && point != previous) {
        add(sums, before, after, point, point - previous);
      }
      previous = point;
      started = true;
      last = point;
    }
    // The wrap-round arc (last, 2^64 - 1] ∪ [0, first], which every ring answers as at its first
    // point: 2^64 - (last - first) hashes, or all 2^64 when the union is a single point.
    long wrapLength = first - last; // mod 2^64
    if (wrapLength == 0) {
      add2to64(sums, before, after, first);
    } else {
      add(sums, before, after, first, wrapLength);
    }
    Map<Pair, Double> shares = new TreeMap<>();
    sums.forEach((pair, sum) -> shares.put(pair, sum.fraction()));
    return new KeySpaceMoves(shares);
  }

  private static long next(HashRing ring, int position) {
    // An empty ring contributes nothing: -1 (2^64 - 1) is never below the other ring's first point.
    return position < ring.pointCount() ? ring.point(position) : -1L;
  }

  private static void add(Map<Pair, UnsignedSum> sums, Router before, Router after, long hash, long length) {
    Pair pair = changed(before, after, hash);
    if (pair != null) {
      sums.computeIfAbsent(pair, p -> new UnsignedSum()).add(length);
    }
  }

  private static void add2to64(Map<Pair, UnsignedSum> sums, Router before, Router after, long hash) {
    Pair pair = changed(before, after, hash);
    if (pair != null) {
      sums.computeIfAbsent(pair, p -> new UnsignedSum()).addWholeSpace();
    }
  }

  private static Pair changed(Router before, Router after, long hash) {
    BrokerConfig from = before.ringBroker(hash);
    BrokerConfig to = after.ringBroker(hash);
    String fromId = from == null ? null : from.id();
    String toId = to == null ? null : to.id();
    return java.util.Objects.equals(fromId, toId) ? null : new Pair(fromId, toId);
  }

  /** Pairs whose share is above 0, sorted by from, then to. */
  public Map<Pair, Double> shares() {
    return shares;
  }

  /** The share of the key space that changes broker, all pairs together. */
  public double total() {
    return shares.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** A sum of unsigned 64-bit lengths that may reach 2^64: the low word and the carries out of it. */
  private static final class UnsignedSum {
    private long low;
    private long carries;

    void add(long length) {
      long sum = low + length;
      if (Long.compareUnsigned(sum, low) < 0) {
        carries++;
      }
      low = sum;
    }

    void addWholeSpace() {
      carries++;
    }

    double fraction() {
      double lowAsDouble = (low >>> 1) * 2.0 + (low & 1);
      return carries + lowAsDouble / TWO_TO_64;
    }
  }
}
