package io.mqttlb.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Which Hazelcast structure should hold the routing table that {@code table} mode reads on every
 * CONNECT: the cost of one {@code get} of a table of 100,000 client ids, seen from one
 * of two members in this JVM that form a cluster over loopback TCP.
 *
 * <ul>
 *   <li>{@link #replicatedMapGet}: a {@code ReplicatedMap} (OBJECT format, as mqttlb configures it),
 *       which keeps a full copy on every member;
 *   <li>{@link #nearCachedMapGet}: a partitioned {@code IMap} whose reading member has a near cache
 *       (OBJECT format, local entries cached, invalidated on change, no eviction) warmed with every
 *       key, so every get is a near-cache hit;
 *   <li>{@link #partitionedMapGetRemote}: the same kind of {@code IMap} without a near cache, read
 *       only at keys whose partition the other member owns: one network round trip per get;
 *       {@link #partitionedMapGet} reads all keys, about half of them owned locally;
 *   <li>{@link #concurrentHashMapGet}: a plain {@code ConcurrentHashMap} of the same entries, the
 *       floor for any local read; the two members run beside it, so its B/op shows what their
 *       background threads add to JMH's allocation count (which counts every thread).
 * </ul>
 *
 * <p>{@link #replicatedMapGetAbsent} and {@link #nearCachedMapGetAbsent} read keys the table does
 * not hold, as the override lookup does for almost every client. {@link #replicatedMapPutWithTtl}
 * is not a read: it is what one sticky write costs the node that makes it.
 *
 * <p>The other member writes every entry, so the reader's copy arrived by replication. Each get
 * reads a key picked at random (a precomputed index order over the whole table) and given as a
 * {@code String} equal to the stored key but not the same instance, as a client id decoded from
 * CONNECT would be. Memory per entry and replication delay are measured by {@link
 * TableStoreFootprint}, which is not a JMH benchmark.
 *
 * <pre>
 * mvn -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar TableStoreBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"})
public class TableStoreBenchmark {
  static final int ENTRIES = 100_000;
  static final String REPLICATED = "bench.replicated";
  static final String NEAR_CACHED = "bench.nearcached";
  static final String PARTITIONED = "bench.partitioned";
  private static final int ORDER = 1 << 16;
  private static final int MASK = ORDER - 1;

  private int cursor;

  /** The i-th client id of the table, e.g. {@code sensor-000123}. */
  static String clientId(int i) {
    return String.format("sensor-%06d", i);
  }

  /** A stored table value as {@link TableEntry#encode} writes it: broker, then expiry. */
  static String value(int i, long now) {
    return TableEntry.encode("b" + (i % 10), now + 1_800_000 + i);
  }

  /** The table as the other member writes it. */
  static Map<String, String> table() {
    long now = System.currentTimeMillis();
    Map<String, String> table = new HashMap<>();
    for (int i = 0; i < ENTRIES; i++) {
      table.put(clientId(i), value(i, now));
    }
    return table;
  }

  /** Every member's configuration of the structures under test (the partitioned one has defaults). */
  static void configure(Config config) {
    config.getReplicatedMapConfig(REPLICATED).setInMemoryFormat(InMemoryFormat.OBJECT).setAsyncFillup(false);
    NearCacheConfig nearCache = new NearCacheConfig(NEAR_CACHED)
        .setInMemoryFormat(InMemoryFormat.OBJECT)
        .setCacheLocalEntries(true)
        .setInvalidateOnChange(true)
        .setEvictionConfig(new EvictionConfig()
            .setEvictionPolicy(EvictionPolicy.NONE)
            .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT)
            .setSize(Integer.MAX_VALUE));
    config.getMapConfig(NEAR_CACHED).setNearCacheConfig(nearCache);
  }

  /** Two members; member 0 reads, member 1 writes. */
  @State(Scope.Benchmark)
  public static class TwoMembers {
    EmbeddedMembers cluster;
    HazelcastInstance reader;
    HazelcastInstance writer;

    @Setup(Level.Trial)
    public void setUp() {
      cluster = EmbeddedMembers.start(2, TableStoreBenchmark::configure);
      reader = cluster.member(0);
      writer = cluster.member(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cluster.close();
    }
  }

  /** Lookup keys and the random order they are read in. */
  abstract static class Keys {
    String[] keys;
    /** Keys the table does not hold, as many as {@code keys}: most clients have no override. */
    String[] absent;
    int[] order;

    /**
     * Copies the keys into new instances, lays them out in order with a full GC (as {@code
     * HashRingBenchmark} does, for the reason it gives) and draws the read order.
     */
    void useKeys(List<String> stored) {
      keys = new String[stored.size()];
      absent = new String[stored.size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = new String(stored.get(i).toCharArray());
        absent[i] = String.format("absent-%06d", i);
      }
      Random random = new Random(42);
      order = new int[ORDER];
      for (int i = 0; i < ORDER; i++) {
        order[i] = random.nextInt(keys.length);
      }
      System.gc();
    }

    /** Checks that every key reads back the value the writer put. */
    void check(Map<String, String> table, Function<String, String> get, String what) {
      for (String key : keys) {
        if (!table.get(key).equals(get.apply(key))) {
          throw new IllegalStateException(what + " does not hold " + key);
        }
      }
    }
  }

  @State(Scope.Benchmark)
  public static class Replicated extends Keys {
    ReplicatedMap<String, String> map;
    /** The stored value of each key, for the put. */
    String[] values;

    @Setup(Level.Trial)
    public void setUp(TwoMembers members) {
      Map<String, String> table = table();
      members.writer.<String, String>getReplicatedMap(REPLICATED).putAll(table);
      map = members.reader.getReplicatedMap(REPLICATED);
      while (map.size() < ENTRIES) {
        EmbeddedMembers.sleep(10);
      }
      useKeys(new ArrayList<>(table.keySet()));
      check(table, map::get, "the replicated map");
      values = new String[keys.length];
      for (int i = 0; i < keys.length; i++) {
        values[i] = table.get(keys[i]);
      }
    }
  }

  @State(Scope.Benchmark)
  public static class NearCached extends Keys {
    IMap<String, String> map;

    @Setup(Level.Trial)
    public void setUp(TwoMembers members) {
      Map<String, String> table = table();
      members.writer.<String, String>getMap(NEAR_CACHED).putAll(table);
      map = members.reader.getMap(NEAR_CACHED);
      useKeys(new ArrayList<>(table.keySet()));
      check(table, map::get, "the near-cached map"); // fills the near cache
      check(table, map::get, "the near cache");
      long cached = map.getLocalMapStats().getNearCacheStats().getOwnedEntryCount();
      if (cached != ENTRIES) {
        throw new IllegalStateException("the near cache holds " + cached + " entries, not " + ENTRIES);
      }
    }
  }

  /** A partitioned map without near cache; {@code remoteKeys} are those the writer owns. */
  @State(Scope.Benchmark)
  public static class Partitioned extends Keys {
    IMap<String, String> map;
    String[] remoteKeys;
    int[] remoteOrder;

    @Setup(Level.Trial)
    public void setUp(TwoMembers members) {
      Map<String, String> table = table();
      members.writer.<String, String>getMap(PARTITIONED).putAll(table);
      map = members.reader.getMap(PARTITIONED);
      List<String> remote = new ArrayList<>();
      for (String key : table.keySet()) {
        if (!members.reader.getPartitionService().getPartition(key).getOwner().localMember()) {
          remote.add(key);
        }
      }
      useKeys(remote);
      remoteKeys = keys;
      remoteOrder = order;
      useKeys(new ArrayList<>(table.keySet()));
      check(table, map::get, "the partitioned map");
      System.out.printf("%n%d of %d keys are owned by the other member%n", remote.size(), ENTRIES);
    }
  }

  @State(Scope.Benchmark)
  public static class Floor extends Keys {
    ConcurrentHashMap<String, String> map;

    @Setup(Level.Trial)
    public void setUp(TwoMembers members) {
      Map<String, String> table = table();
      map = new ConcurrentHashMap<>(table);
      useKeys(new ArrayList<>(table.keySet()));
      check(table, map::get, "the ConcurrentHashMap");
    }
  }

  @Benchmark
  public String replicatedMapGet(Replicated table) {
    return table.map.get(table.keys[table.order[cursor++ & MASK]]);
  }

  /**
   * Not a read: the cost of one sticky write as {@code StickyWriter} makes it (a put with a TTL),
   * from the reading member, which owns about half the partitions. Table mode pays it in the
   * background, on connect and on disconnect.
   */
  @Benchmark
  public String replicatedMapPutWithTtl(Replicated table) {
    int i = table.order[cursor++ & MASK];
    return table.map.put(table.keys[i], table.values[i], 1_800_000, TimeUnit.MILLISECONDS);
  }

  @Benchmark
  public String nearCachedMapGet(NearCached table) {
    return table.map.get(table.keys[table.order[cursor++ & MASK]]);
  }

  @Benchmark
  public String replicatedMapGetAbsent(Replicated table) {
    return table.map.get(table.absent[table.order[cursor++ & MASK]]);
  }

  /**
   * An absent key, as most keys are in the override map. The near cache keeps "no such key" too
   * (after the first miss, which asks the owner), so this stays local; the setup does not warm it,
   * the warm-up iterations do.
   */
  @Benchmark
  public String nearCachedMapGetAbsent(NearCached table) {
    return table.map.get(table.absent[table.order[cursor++ & MASK]]);
  }

  @Benchmark
  public String partitionedMapGetRemote(Partitioned table) {
    return table.map.get(table.remoteKeys[table.remoteOrder[cursor++ & MASK]]);
  }

  @Benchmark
  public String partitionedMapGet(Partitioned table) {
    return table.map.get(table.keys[table.order[cursor++ & MASK]]);
  }

  @Benchmark
  public String concurrentHashMapGet(Floor table) {
    return table.map.get(table.keys[table.order[cursor++ & MASK]]);
  }
}
