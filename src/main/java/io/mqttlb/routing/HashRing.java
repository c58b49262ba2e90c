package io.mqttlb.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * An immutable consistent-hash ring of brokers.
 *
 * <p><b>Contract.</b> The ring is a pure function of the set of {@code (id, weight)} pairs and
 * {@code virtualNodes}: the same set gives the same ring, point for point, whatever the order of
 * the collection passed to {@link #build} and on every JVM. Members are sorted by id ({@link
 * String#compareTo}); a member's <em>index</em> is its position in that order and is what lookups
 * return. A member with weight {@code w} owns the {@code virtualNodes × w} points {@link
 * RingHash#hashPoint RingHash.hashPoint(id, i)}, {@code 0 <= i < virtualNodes × w}.
 *
 * <p><b>Order.</b> Points and key hashes are compared as <em>unsigned</em> 64-bit numbers: the
 * ring runs from {@code 0x0000000000000000} up to {@code 0xffffffffffffffff} and wraps back to 0,
 * so a table of points printed in hex reads in ring order. Equal points (hash collisions) are
 * ordered by owner index, hence by owner id, so even they cannot depend on insertion order.
 *
 * <p><b>Lookup.</b> A key with hash {@code h} belongs to the owner of the first point {@code >= h},
 * wrapping past the last point to the first. When some members are down, the lookup walks on
 * clockwise to the first point whose owner is usable: a down member's keys go, each, to the member
 * that would own them in a ring built without it, and no other key moves. For example, with
 * members A, B, C and points in ring order {@code A1 < B1 < C1 < A2 < C2 < B2}:
 *
 * <pre>
 *   key hash in          owner   owner with it down
 *   [0, A1]               A       B (at B1)
 *   (A1, B1]              B       C (at C1)
 *   (B1, C1]              C       A (at A2)
 *   (C1, A2]              A       C (at C2)
 *   (A2, C2]              C       B (at B2)
 *   (C2, B2]              B       A (wraps round to A1)
 *   (B2, 0xff..ff]        A       B (wraps round to A1, then B1)
 * </pre>
 *
 * <p><b>Threading and cost.</b> Instances are immutable and safe to share between threads; the
 * intended use is one snapshot published through an {@code AtomicReference} and rebuilt on
 * membership changes. Points live in a sorted {@code long[]} with a parallel {@code int[]} of
 * owner indices, plus an index on the top bits of the hash that narrows each binary search to a
 * few points. A lookup is that search plus, when members are down, a short walk clockwise, and
 * allocates nothing.
 */
public final class HashRing {

  /** Points per unit of weight unless configured otherwise ({@code routing.virtualNodes}). */
  public static final int DEFAULT_VIRTUAL_NODES = 160;

  /**
   * Upper bound on the total number of points (at most 16 bytes each, index included), far above
   * any sane configuration; it exists so that a typo in a weight fails fast with a message instead
   * of an OutOfMemoryError.
   */
  public static final long MAX_POINTS = 1L << 24;

  /** Caps the index's size, however large the ring. */
  private static final int MAX_INDEX_BITS = 20;

  private static final HashRing EMPTY =
      new HashRing(
          List.of(), new String[0], DEFAULT_VIRTUAL_NODES, new long[0], new int[0], 0,
          new int[2], 1);

  private final List<RingMember> members; // sorted by id, unmodifiable
  private final String[] ids; // ids[i] == members.get(i).id()
  /**
   * Member index by id. {@link #indexOf} runs on every table-mode hit: a hash lookup costs one
   * {@code equals} (a reference check when the caller holds the interned id),
   * where a binary search over a thousand sorted ids costs about ten {@code compareTo}.
   */
  private final Map<String, Integer> indexById;
  private final int virtualNodes;
  private final long[] points; // ascending in unsigned order
  private final int[] owners; // owners[p] is the member index owning points[p]
  /**
   * The longest walk, over every starting point, until each member has been met at least once.
   * A walk of that many points from any start has tried every member, so it can stop there
   * instead of going round the whole ring.
   */
  private final int coverSpan;
  /**
   * Index over the top {@code indexBits} bits of the hash, so that a lookup binary-searches a
   * handful of points instead of the whole array: {@code indexStart[b]} is the first position
   * whose point's top bits are {@code >= b}, hence every point of bucket {@code b} lies in {@code
   * [indexStart[b], indexStart[b + 1])}. With about one point per bucket a lookup touches three
   * cache lines (index, point, owner) instead of one per level of a full binary search.
   */
  private final int[] indexStart;

  private final int indexShift;

  private HashRing(
      List<RingMember> members,
      String[] ids,
      int virtualNodes,
      long[] points,
      int[] owners,
      int coverSpan,
      int[] indexStart,
      int indexBits) {
    this.members = members;
    this.ids = ids;
    this.indexById = new HashMap<>(Math.max(4, ids.length * 2));
    for (int i = 0; i < ids.length; i++) {
      indexById.put(ids[i], i);
    }
    this.virtualNodes = virtualNodes;
    this.points = points;
    this.owners = owners;
    this.coverSpan = coverSpan;
    this.indexStart = indexStart;
    this.indexShift = 64 - indexBits;
  }

  /** The ring without members: every lookup answers -1. */
  public static HashRing empty() {
    return EMPTY;
  }

  /**
   * Builds the ring of {@code members}, in any order.
   *
   * @param virtualNodes points per unit of weight, at least 1
   * @throws IllegalArgumentException if {@code virtualNodes < 1}, if two members share an id, or
   *     if the ring would exceed {@link #MAX_POINTS} points
   */
  public static HashRing build(Collection<RingMember> members, int virtualNodes) {
    if (virtualNodes < 1) {
      throw new IllegalArgumentException("virtualNodes (" + virtualNodes + ") must be >= 1");
    }
    List<RingMember> sorted = new ArrayList<>(members); // NPE on a null collection, as it should
    sorted.sort(Comparator.comparing(RingMember::id)); // NPE on a null member
    long total = 0;
    for (int m = 0; m < sorted.size(); m++) {
      if (m > 0 && sorted.get(m).id().equals(sorted.get(m - 1).id())) {
        throw new IllegalArgumentException("duplicate member id " + sorted.get(m).id());
      }
      total += (long) virtualNodes * sorted.get(m).weight();
    }
    if (total > MAX_POINTS) {
      throw new IllegalArgumentException(
          "ring size (" + total + " points = virtualNodes " + virtualNodes
              + " x total weight) exceeds " + MAX_POINTS);
    }
    if (sorted.isEmpty() && virtualNodes == DEFAULT_VIRTUAL_NODES) {
      return EMPTY;
    }

    int n = (int) total;
    long[] rawPoints = new long[n];
    int[] rawOwners = new int[n];
    String[] ids = new String[sorted.size()];
    int p = 0;
    for (int m = 0; m < sorted.size(); m++) {
      RingMember member = sorted.get(m);
      // Interned, so that a caller holding an interned id (the table mirror) meets this very
      // instance in indexOf, and String.equals ends at its reference check.
      ids[m] = member.id().intern();
      int count = virtualNodes * member.weight();
      for (int i = 0; i < count; i++, p++) {
        rawPoints[p] = RingHash.hashPoint(member.id(), i);
        rawOwners[p] = m;
      }
    }

    // Sort positions by (point unsigned, owner): the owner tie-break orders collisions by id.
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Long.compareUnsigned(rawPoints[a], rawPoints[b]);
          return c != 0 ? c : Integer.compare(rawOwners[a], rawOwners[b]);
        });
    long[] points = new long[n];
    int[] owners = new int[n];
    for (int i = 0; i < n; i++) {
      points[i] = rawPoints[order[i]];
      owners[i] = rawOwners[order[i]];
    }

    // About one point per bucket; at least one bit, since a shift by 64 is a shift by 0 in Java.
    int indexBits = Math.max(1, Math.min(MAX_INDEX_BITS, 31 - Integer.numberOfLeadingZeros(n)));
    return new HashRing(
        List.copyOf(sorted),
        ids,
        virtualNodes,
        points,
        owners,
        coverSpan(owners, ids.length),
        indexStart(points, indexBits),
        indexBits);
  }

  private static int[] indexStart(long[] points, int indexBits) {
    int buckets = 1 << indexBits;
    int[] start = new int[buckets + 1];
    int p = 0;
    for (int b = 0; b <= buckets; b++) {
      while (p < points.length && (points[p] >>> (64 - indexBits)) < b) {
        p++;
      }
      start[b] = p;
    }
    return start;
  }

  /** Sliding window over the ring (taken twice round): the longest span that meets every member. */
  private static int coverSpan(int[] owners, int memberCount) {
    int n = owners.length;
    if (n == 0) {
      return 0;
    }
    int[] seen = new int[memberCount];
    int distinct = 0;
    int end = 0; // the window is [start, end) in ring positions, counted past n when wrapping
    int longest = 0;
    for (int start = 0; start < n; start++) {
      while (distinct < memberCount) {
        if (seen[owners[end % n]]++ == 0) {
          distinct++;
        }
        end++;
      }
      longest = Math.max(longest, end - start);
      if (--seen[owners[start]] == 0) {
        distinct--;
      }
    }
    return longest;
  }

  public int memberCount() {
    return ids.length;
  }

  /** The id of the member at {@code index} (members are sorted by id). */
  public String memberId(int index) {
    return ids[index];
  }

  public int weight(int index) {
    return members.get(index).weight();
  }

  /** The index of the member with this id, or -1 if it is not on the ring. */
  public int indexOf(String id) {
    Integer index = indexById.get(id);
    return index == null ? -1 : index;
  }

  public int virtualNodes() {
    return virtualNodes;
  }

  /** Total number of points: {@code virtualNodes × sum of weights}. */
  public int pointCount() {
    return points.length;
  }

  /** The point at {@code position} (0 to pointCount - 1) in ring order: ascending, unsigned. */
  public long point(int position) {
    return points[position];
  }

  /** The index of the member owning the point at {@code position}. */
  public int pointOwner(int position) {
    return owners[position];
  }

  /**
   * The index of the member owning {@code keyHash}: the owner of the first point at or after it in
   * unsigned order, wrapping around; -1 if the ring is empty.
   */
  public int lookup(long keyHash) {
    if (points.length == 0) {
      return -1;
    }
    return owners[firstPointAtOrAfter(keyHash)];
  }

  /**
   * Like {@link #lookup(long)}, but skips members for which {@code usable} is false by walking on
   * clockwise; -1 if no member is usable (or the ring is empty). The walk is bounded even when all
   * members are down: it stops after the longest stretch of the ring that any start needs to meet
   * every member (measured when the ring is built), far short of a full lap on a large ring.
   * {@code usable} should answer consistently during one call; it is called at most once per run
   * of consecutive points of one member, and must not allocate if the caller wants a lookup that
   * does not.
   */
  public int lookup(long keyHash, IntPredicate usable) {
    int n = points.length;
    if (n == 0) {
      return -1;
    }
    int position = firstPointAtOrAfter(keyHash);
    int rejected = -1;
    for (int step = 0; step < coverSpan; step++) {
      int owner = owners[position];
      if (owner != rejected) {
        if (usable.test(owner)) {
          return owner;
        }
        rejected = owner;
      }
      if (++position == n) {
        position = 0;
      }
    }
    return -1;
  }

  /** The members, sorted by id; index {@code i} is member {@code i}. Unmodifiable. */
  public List<RingMember> members() {
    return members;
  }

  /** Lower bound in unsigned order, wrapped: 0 when {@code keyHash} is past the last point. */
  private int firstPointAtOrAfter(long keyHash) {
    long[] pts = points;
    int bucket = (int) (keyHash >>> indexShift);
    int low = indexStart[bucket];
    int high = indexStart[bucket + 1];
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (Long.compareUnsigned(pts[mid], keyHash) < 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low == pts.length ? 0 : low;
  }

  @Override
  public String toString() {
    return "HashRing[members=" + ids.length + ", virtualNodes=" + virtualNodes
        + ", points=" + points.length + "]";
  }
}
