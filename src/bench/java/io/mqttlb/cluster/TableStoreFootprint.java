package io.mqttlb.cluster;

import static io.mqttlb.cluster.TableStoreBenchmark.ENTRIES;
import static io.mqttlb.cluster.TableStoreBenchmark.NEAR_CACHED;
import static io.mqttlb.cluster.TableStoreBenchmark.REPLICATED;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * What {@link TableStoreBenchmark} cannot time with JMH: heap per table entry and how long a write
 * on one member takes to show on the other, for a {@code ReplicatedMap} and for an {@code IMap}
 * with a near cache (whose reader sees a write once the invalidation arrives).
 *
 * <p>Heap is the used heap after three {@code System.gc()} (full collections under G1), before and
 * after the structure is filled by the writing member; both members live in this JVM, so a
 * replicated map's growth holds two copies and a partitioned map's holds each entry twice (owner
 * and backup). The near cache is measured on its own, as the growth when the reader warms it.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED ... -cp target/benchmarks.jar io.mqttlb.cluster.TableStoreFootprint
 * </pre>
 */
public final class TableStoreFootprint {
  private static final int SAMPLES = 200;
  /** Invalidations batched by default are sent every 10 s: few samples, or this takes minutes. */
  private static final int BATCHED_SAMPLES = 12;

  private TableStoreFootprint() {}

  public static void main(String[] args) {
    System.out.printf("JVM %s %s, max heap %d MiB, %d CPUs%n", System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"), Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    try (EmbeddedMembers cluster = EmbeddedMembers.start(2, TableStoreBenchmark::configure)) {
      HazelcastInstance reader = cluster.member(0);
      HazelcastInstance writer = cluster.member(1);

      long empty = usedHeap();
      ReplicatedMap<String, String> replicated = writer.getReplicatedMap(REPLICATED);
      replicated.putAll(TableStoreBenchmark.table());
      ReplicatedMap<String, String> replicatedAtReader = reader.getReplicatedMap(REPLICATED);
      while (replicatedAtReader.size() < ENTRIES) {
        EmbeddedMembers.sleep(10);
      }
      long withReplicated = usedHeap();
      report("ReplicatedMap, one member's copy", (withReplicated - empty) / 2.0 / ENTRIES);

      IMap<String, String> partitioned = writer.getMap(NEAR_CACHED);
      partitioned.putAll(TableStoreBenchmark.table());
      long withPartitioned = usedHeap();
      report("IMap (BINARY), one stored copy (owner or backup)", (withPartitioned - withReplicated) / 2.0 / ENTRIES);
      IMap<String, String> nearCachedAtReader = reader.getMap(NEAR_CACHED);
      for (int i = 0; i < ENTRIES; i++) {
        nearCachedAtReader.get(TableStoreBenchmark.clientId(i));
      }
      long withNearCache = usedHeap();
      report("near cache (OBJECT), one member's full copy", (double) (withNearCache - withPartitioned) / ENTRIES);

      ConcurrentHashMap<String, String> mirror = new ConcurrentHashMap<>(TableStoreBenchmark.table());
      long withMirror = usedHeap();
      report("ConcurrentHashMap<String, String>, own Strings", (double) (withMirror - withNearCache) / ENTRIES);

      // The mirror that nodes read the table through, over a replicated map named as mqttlb's.
      writer.<String, String>getReplicatedMap(HazelcastStateStore.PREFIX + "sticky").putAll(TableStoreBenchmark.table());
      while (reader.getReplicatedMap(HazelcastStateStore.PREFIX + "sticky").size() < ENTRIES) {
        EmbeddedMembers.sleep(10);
      }
      long beforeDecoded = usedHeap();
      TableMirror decoded = TableMirror.follow(new HazelcastStateStore(reader).map("sticky"));
      long withDecoded = usedHeap();
      report("TableMirror (decoded values)", (double) (withDecoded - beforeDecoded) / ENTRIES);
      if (mirror.size() != ENTRIES || decoded.size() != ENTRIES) {
        throw new IllegalStateException();
      }

      System.out.println("\ndelay from put() on the writer until the reader's get() returns the new value:");
      delays("ReplicatedMap", writer.getReplicatedMap(REPLICATED)::put, replicatedAtReader::get, SAMPLES);
      delays("IMap + near cache, invalidations batched (default)", partitioned::put, nearCachedAtReader::get,
          BATCHED_SAMPLES);
    }
    try (EmbeddedMembers cluster = EmbeddedMembers.start(2, config -> {
      TableStoreBenchmark.configure(config);
      config.setProperty("hazelcast.map.invalidation.batch.enabled", "false");
    })) {
      IMap<String, String> partitioned = cluster.member(1).getMap(NEAR_CACHED);
      partitioned.putAll(TableStoreBenchmark.table());
      IMap<String, String> nearCachedAtReader = cluster.member(0).getMap(NEAR_CACHED);
      delays("IMap + near cache, hazelcast.map.invalidation.batch.enabled=false", partitioned::put,
          nearCachedAtReader::get, SAMPLES);
    }
  }

  private interface Put {
    Object put(String key, String value);
  }

  /**
   * Updates keys the reader has already read, one at a time, and polls the reader every 20 µs or so
   * until it returns the new value.
   */
  private static void delays(String what, Put put, Function<String, String> get, int samples) {
    long[] micros = new long[samples];
    long[] putMicros = new long[samples];
    long now = System.currentTimeMillis();
    for (int s = 0; s < samples; s++) {
      String key = TableStoreBenchmark.clientId(s * 397 % ENTRIES);
      get.apply(key); // cached at the reader, where it is cached at all
      String updated = TableEntry.encode("b-new", now + s);
      long start = System.nanoTime();
      put.put(key, updated);
      putMicros[s] = (System.nanoTime() - start) / 1000;
      while (!updated.equals(get.apply(key))) {
        if (System.nanoTime() - start > 30_000_000_000L) {
          throw new IllegalStateException(what + ": the reader did not see a write within 30 s");
        }
        LockSupport.parkNanos(20_000);
      }
      micros[s] = (System.nanoTime() - start) / 1000;
      LockSupport.parkNanos(1_000_000);
    }
    Arrays.sort(micros);
    Arrays.sort(putMicros);
    System.out.printf("  %s (%d writes): visible after p50 %s, p90 %s, max %s; put() returned after p50 %s%n",
        what, samples, ms(micros[samples / 2]), ms(micros[samples * 9 / 10]), ms(micros[samples - 1]),
        ms(putMicros[samples / 2]));
  }

  private static String ms(long micros) {
    return String.format("%.2f ms", micros / 1000.0);
  }

  private static void report(String what, double bytesPerEntry) {
    System.out.printf("%-50s %6.0f B/entry%n", what, bytesPerEntry);
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      EmbeddedMembers.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
