package io.mqttlb.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  @Param({"1000"})
  int brokers;

  @Param({"160"})
  int virtualNodes;

  private HashRing ring;
  private long[] keyHashes;
  private String[] clientIds;
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
    for (int i = 0; i < KEYS; i++) {
      clientIds[i] =
          i % 2 == 0
              ? new UUID(random.nextLong(), random.nextLong()).toString()
              : String.format("sensor-%08x", random.nextInt());
      keyHashes[i] = RingHash.hashKey(clientIds[i]);
    }

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

  /** Hashing a client id alone. */
  @Benchmark
  public long hashKey() {
    return RingHash.hashKey(clientIds[cursor++ & MASK]);
  }

  /** The whole route decision in hash mode: hash the client id, then look it up. */
  @Benchmark
  public int hashKeyAndLookup() {
    return ring.lookup(RingHash.hashKey(clientIds[cursor++ & MASK]));
  }
}
