package io.mqttlb.routing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.endpoint.InteractionMetrics;
import io.vertx.core.net.endpoint.LoadBalancer;
import io.vertx.core.net.endpoint.ServerEndpoint;
import io.vertx.core.net.endpoint.ServerInteraction;
import io.vertx.core.net.endpoint.ServerSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route decision cost on a large ring: 1000 brokers × 160 virtual nodes (160,000 points, about
 * 1.9 MB of arrays, more than a core's L2). Keys cycle through a table much larger than the L1
 * cache, in random order, so the binary search pays realistic cache misses rather than replaying
 * one hot path.
 *
 * <p>Two baselines. {@link #treeMapCeilingEntry} is the classic ring, a {@code TreeMap<Long,
 * String>} holding the very same points, looked up with {@code ceilingEntry}; it is compared with
 * {@link #lookup}. Points and keys have their sign bit flipped so that its signed order is our
 * unsigned order and both answer the same broker for every key (checked in setup). Its key is
 * boxed at the call, as such code reads (a 24-byte {@code Long} per lookup); keys boxed in advance
 * allocated nothing but were slower in a trial run, one more pointer to chase per lookup.
 * {@link #vertxConsistentHashing} is Vert.x core's {@code LoadBalancer.consistentHashing} selector
 * (public API) with the same number of brokers and virtual nodes, but its own points; it takes the
 * client id, so it is compared with {@link #hashKeyAndLookup}. A third, {@link #hashKeyGuava}, is
 * Guava's {@code murmur3_128(0).hashString}, which {@link RingHash} used to call and whose values
 * it reproduces without allocating (checked in setup for every key); {@link #hashKeyAndLookupGuava}
 * is the whole decision with it, as it was.
 *
 * <pre>
 * mvn -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar HashRingBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashRingBenchmark {

  private static final int KEYS = 1 << 16;
  private static final int MASK = KEYS - 1;
  private static final HashFunction GUAVA_MURMUR3_128 = Hashing.murmur3_128(0);

  @Param({"1000"})
  int brokers;

  @Param({"160"})
  int virtualNodes;

  private HashRing ring;
  private long[] keyHashes;
  private String[] clientIds;
  private byte[][] clientIdsUtf8;
  private IntPredicate tenthDown;
  private int cursor;

  @Setup
  public void setUp() {
    List<RingMember> members = new ArrayList<>();
    for (int i = 0; i < brokers; i++) {
      members.add(new RingMember("broker-" + i, 1));
    }
    ring = HashRing.build(members, virtualNodes);

    Random random = new Random(42);
    clientIds = new String[KEYS];
    keyHashes = new long[KEYS];
    clientIdsUtf8 = new byte[KEYS][];
    for (int i = 0; i < KEYS; i++) {
      clientIds[i] =
          i % 2 == 0
              ? new UUID(random.nextLong(), random.nextLong()).toString()
              : String.format("sensor-%08x", random.nextInt());
      keyHashes[i] = RingHash.hashKey(clientIds[i]);
      clientIdsUtf8[i] = clientIds[i].getBytes(UTF_8);
      if (keyHashes[i] != GUAVA_MURMUR3_128.hashString(clientIds[i], UTF_8).asLong()
          || keyHashes[i] != RingHash.hashKey(clientIdsUtf8[i], 0, clientIdsUtf8[i].length)) {
        throw new IllegalStateException("RingHash disagrees with Guava for key " + i);
      }
    }

    // Lay the ids out as a client id just decoded from CONNECT is: each String next to its bytes,
    // in the order they are read. Left where setup's garbage and G1's copying had scattered them,
    // every id cost a dependent cache miss or two, and hashKey measured that latency (about 85 ns,
    // whatever the hash) rather than hashing. A full GC now moves them to the old generation,
    // keeping this order (G1's full GC slides objects), where no later young GC copies them.
    for (int i = 0; i < KEYS; i++) {
      clientIds[i] = new String(clientIds[i].toCharArray());
    }
    System.gc();

    boolean[] usable = new boolean[ring.memberCount()];
    for (int m = 0; m < usable.length; m++) {
      usable[m] = m % 10 != 3;
    }
    tenthDown = m -> usable[m];
  }

  /** Ring lookup alone, from a precomputed key hash. */
  @Benchmark
  public int lookup() {
    return ring.lookup(keyHashes[cursor++ & MASK]);
  }

  /** Ring lookup with every tenth broker down, so some lookups walk on clockwise. */
  @Benchmark
  public int lookupTenthDown() {
    return ring.lookup(keyHashes[cursor++ & MASK], tenthDown);
  }

  /** Baseline for {@link #lookup}: the same points in a TreeMap. */
  @Benchmark
  public String treeMapCeilingEntry(TreeMapRing classic) {
    Map.Entry<Long, String> entry =
        classic.points.ceilingEntry(keyHashes[cursor++ & MASK] ^ Long.MIN_VALUE);
    return (entry != null ? entry : classic.points.firstEntry()).getValue();
  }

  /** Baseline for {@link #hashKeyAndLookup}: Vert.x core's consistent-hashing selector. */
  @Benchmark
  public int vertxConsistentHashing(VertxRing vertx) {
    return vertx.selector.select(clientIds[cursor++ & MASK]);
  }

  /** Hashing a client id alone. */
  @Benchmark
  public long hashKey() {
    return RingHash.hashKey(clientIds[cursor++ & MASK]);
  }

  /** Hashing a client id given as UTF-8 bytes, as it arrives in CONNECT. */
  @Benchmark
  public long hashKeyUtf8() {
    byte[] clientId = clientIdsUtf8[cursor++ & MASK];
    return RingHash.hashKey(clientId, 0, clientId.length);
  }

  /** Baseline for {@link #hashKey}: the same hash through Guava. */
  @Benchmark
  public long hashKeyGuava() {
    return GUAVA_MURMUR3_128.hashString(clientIds[cursor++ & MASK], UTF_8).asLong();
  }

  /** The whole route decision in hash mode: hash the client id, then look it up. */
  @Benchmark
  public int hashKeyAndLookup() {
    return ring.lookup(RingHash.hashKey(clientIds[cursor++ & MASK]));
  }

  /** {@link #hashKeyAndLookup} hashing through Guava, as RingHash did before. */
  @Benchmark
  public int hashKeyAndLookupGuava() {
    return ring.lookup(GUAVA_MURMUR3_128.hashString(clientIds[cursor++ & MASK], UTF_8).asLong());
  }

  /** The classic ring: a TreeMap from point to broker id, over the points of {@code ring}. */
  @State(Scope.Thread)
  public static class TreeMapRing {
    TreeMap<Long, String> points;

    @Setup
    public void setUp(HashRingBenchmark bench) {
      HashRing ring = bench.ring;
      points = new TreeMap<>();
      for (int p = 0; p < ring.pointCount(); p++) {
        points.putIfAbsent(ring.point(p) ^ Long.MIN_VALUE, ring.memberId(ring.pointOwner(p)));
      }
      for (int i = 0; i < KEYS; i++) {
        Map.Entry<Long, String> entry = points.ceilingEntry(bench.keyHashes[i] ^ Long.MIN_VALUE);
        String owner = (entry != null ? entry : points.firstEntry()).getValue();
        if (!owner.equals(ring.memberId(ring.lookup(bench.keyHashes[i])))) {
          throw new IllegalStateException("TreeMap ring disagrees with HashRing for key " + i);
        }
      }
    }
  }

  /** Vert.x core's consistent hashing over the same broker ids and virtual-node count. */
  @State(Scope.Thread)
  public static class VertxRing {
    ServerSelector selector;

    @Setup
    public void setUp(HashRingBenchmark bench) {
      List<ServerEndpoint> endpoints = new ArrayList<>();
      for (int i = 0; i < bench.brokers; i++) {
        endpoints.add(new Endpoint("broker-" + i));
      }
      selector = LoadBalancer.consistentHashing(bench.virtualNodes, LoadBalancer.ROUND_ROBIN)
          .selector(endpoints);
    }
  }

  /**
   * Just enough of a Vert.x endpoint for its selector, which reads only the key. Identity equality
   * keeps the selector's final {@code List.indexOf} as cheap as it can be.
   */
  private static final class Endpoint implements ServerEndpoint {
    private final String key;

    Endpoint(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public SocketAddress address() {
      return SocketAddress.inetSocketAddress(1883, key);
    }

    @Override
    public ServerInteraction newInteraction() {
      throw new UnsupportedOperationException();
    }

    @Override
    public InteractionMetrics<?> metrics() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object unwrap() {
      return this;
    }
  }
}
