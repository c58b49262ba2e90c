package io.mqttlb.cluster;

import com.sun.management.OperatingSystemMXBean;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingConfig;
import io.mqttlb.config.RoutingMode;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import com.hazelcast.replicatedmap.ReplicatedMap;

/**
 * A {@code main}, not JMH: the CPU that sticky writes cost the whole tier, per write and per client
 * connect+disconnect, on two embedded members configured as nodes configure them (both members in
 * this JVM, so the process's CPU time is the tier's). Each phase's CPU is the process's CPU time
 * over the phase minus what the idle process burns in the same wall time.
 *
 * <ul>
 *   <li>{@code put}: one {@code ReplicatedMap.put} with a TTL at a time, new keys, as a sticky write;
 *   <li>{@code SharedMap.putAll}: what the sticky writer does with a batch, each entry with its
 *       TTL, the puts overlapped ({@link PipelinedPuts});
 *   <li>{@code putAll}: batches of 100 new keys (a replicated map's putAll takes no TTL, so the
 *       sticky writer cannot use it; shown for what batching would save);
 *   <li>{@code cycles}: {@link TierState#recordSticky} on node 1 as the data plane calls it, a
 *       CONNECTED and, 20 ms later, a DISCONNECTED per client, at a steady rate, with node 2
 *       following; for clients new to the table, and for the same clients returning.
 * </ul>
 *
 * <pre>
 * java $OPENS -cp target/benchmarks.jar io.mqttlb.cluster.StickyWriteCost   # about a minute
 * </pre>
 */
public final class StickyWriteCost {
  private static final int WRITES = 20_000;
  private static final int CYCLES = 20_000;
  private static final int CYCLES_PER_SECOND = 2_000;
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private StickyWriteCost() {}

  public static void main(String[] args) throws Exception {
    try (EmbeddedMembers cluster = EmbeddedMembers.start(2, config -> config
        .getReplicatedMapConfig(HazelcastStateStore.PREFIX + "*").setAsyncFillup(false).setStatisticsEnabled(false))) {
      double idleNanosPerSecond = idle();
      System.out.printf("idle: %.1f ms CPU per second%n", idleNanosPerSecond / 1e6);

      ReplicatedMap<String, String> map = cluster.member(0).getReplicatedMap(HazelcastStateStore.PREFIX + "cost");
      String value = TableEntry.encode("broker-7", System.currentTimeMillis() + 1_800_000);
      SharedMap mirrored = new HazelcastStateStore(cluster.member(0)).map("cost-mirrored");
      TableMirror.follow(mirrored);
      TableMirror.follow(new HazelcastStateStore(cluster.member(1)).map("cost-mirrored"));
      for (int round = 0; round < 2; round++) { // the first round warms up
        final int r = round;
        report("put with TTL, one at a time", WRITES, idleNanosPerSecond, () -> {
          for (int i = 0; i < WRITES; i++) {
            map.put("put-" + r + "-" + i, value, 1_800_000, TimeUnit.MILLISECONDS);
          }
        });
        SharedMap shared = new HazelcastStateStore(cluster.member(0)).map("cost");
        report("SharedMap.putAll with TTLs, 1000 a batch", WRITES, idleNanosPerSecond, () -> {
          List<SharedMap.TimedPut> batch = new ArrayList<>();
          for (int i = 0; i < WRITES; i++) {
            batch.add(new SharedMap.TimedPut("pipelined-" + r + "-" + i, value, 1_800_000));
            if (batch.size() == 1000) {
              shared.putAll(batch);
              batch.clear();
            }
          }
        });
        report("SharedMap.putAll with TTLs, 100 a batch", WRITES, idleNanosPerSecond,
            () -> pipelined(shared, "small-" + r + "-", 100));
        report("the same, both members mirroring", WRITES, idleNanosPerSecond,
            () -> pipelined(mirrored, "mirrored-" + r + "-", 100));
        report("putAll, 100 a batch (no TTL)", WRITES, idleNanosPerSecond, () -> {
          Map<String, String> batch = new HashMap<>();
          for (int i = 0; i < WRITES; i++) {
            batch.put("all-" + r + "-" + i, value);
            if (batch.size() == 100) {
              map.putAll(batch);
              batch.clear();
            }
          }
        });
      }

      RoutingConfig routing = RoutingConfig.defaults().withMode(RoutingMode.TABLE);
      List<BrokerConfig> brokers = List.of(new BrokerConfig("broker-7", "127.0.0.1", 1883, 1));
      try (TierState one = TierState.open(new HazelcastStateStore(cluster.member(0)),
              NodeConfig.defaults().withNodeId("lb-1").withRouting(routing).withBrokers(brokers), "cost");
           TierState two = TierState.open(new HazelcastStateStore(cluster.member(1)),
              NodeConfig.defaults().withNodeId("lb-2").withRouting(routing).withBrokers(brokers), "cost")) {
        for (int round = 0; round < 2; round++) {
          String prefix = "client-" + round + "-";
          report("connect+disconnect, new clients", CYCLES, idleNanosPerSecond, () -> cycles(one, prefix));
          report("connect+disconnect, returning clients", CYCLES, idleNanosPerSecond, () -> cycles(one, prefix));
        }
        System.out.printf("sticky entries on node 2: %d%n", two.stickyCount());
      }
    }
  }

  private static void pipelined(SharedMap map, String prefix, int batchSize) {
    String value = TableEntry.encode("broker-7", System.currentTimeMillis() + 1_800_000);
    List<SharedMap.TimedPut> batch = new ArrayList<>();
    for (int i = 0; i < WRITES; i++) {
      batch.add(new SharedMap.TimedPut(prefix + i, value, 1_800_000));
      if (batch.size() == batchSize) {
        map.putAll(batch);
        batch.clear();
      }
    }
  }

  /** Connects and disconnects {@link #CYCLES} clients at a steady rate, each connected for 20 ms. */
  private static void cycles(TierState state, String prefix) {
    long interval = TimeUnit.SECONDS.toNanos(1) / CYCLES_PER_SECOND;
    long start = System.nanoTime();
    int disconnected = 0;
    long holdNanos = TimeUnit.MILLISECONDS.toNanos(20);
    for (int i = 0; i < CYCLES || disconnected < CYCLES; ) {
      long now = System.nanoTime();
      while (disconnected < i && now - (start + disconnected * interval + holdNanos) >= 0) {
        state.recordSticky(prefix + disconnected, "broker-7", StickyEvent.DISCONNECTED);
        disconnected++;
      }
      if (i < CYCLES && now - (start + i * interval) >= 0) {
        state.recordSticky(prefix + i, "broker-7", StickyEvent.CONNECTED);
        i++;
      } else {
        LockSupport.parkNanos(interval / 4);
      }
    }
    // Let the writer finish and the other member catch up before the phase's CPU is read.
    EmbeddedMembers.sleep(1000);
  }

  private static double idle() {
    long cpu = OS.getProcessCpuTime();
    long wall = System.nanoTime();
    EmbeddedMembers.sleep(5000);
    return (OS.getProcessCpuTime() - cpu) / ((System.nanoTime() - wall) / 1e9);
  }

  private static void report(String what, int count, double idleNanosPerSecond, Runnable phase) {
    long cpu = OS.getProcessCpuTime();
    long wall = System.nanoTime();
    phase.run();
    long wallNanos = System.nanoTime() - wall;
    double busy = OS.getProcessCpuTime() - cpu - idleNanosPerSecond * wallNanos / 1e9;
    System.out.printf("%-40s %8.1f µs CPU each (%d in %d ms)%n", what, busy / count / 1000, count,
        wallNanos / 1_000_000);
  }
}
