package io.mqttlb.cluster;

import com.hazelcast.config.InMemoryFormat;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.health.TierHealth;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.proxy.BrokerSuspicion;
import io.mqttlb.routing.BrokerAvailability;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.routing.RoutingTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole route decision, {@code Router.route(clientId, username, sourceIp)} as the connect path
 * calls it, in {@code table} mode against {@code hash} mode (target: at most 100 ns, no
 * allocation; {@code table} within 5 % of {@code hash}). 1000 brokers × 160 virtual nodes; all
 * brokers available.
 *
 * <p>The table is {@link TierState}, as a node opens it, holding 100,000 sticky entries (written
 * with their TTL, as the sticky writer writes them) and 1000 overrides, over one of two stores
 * ({@code store}):
 *
 * <ul>
 *   <li>{@code hazelcast}: {@link HazelcastStateStore}, {@code ReplicatedMap}s of one embedded
 *       member, what a clustered node runs;
 *   <li>{@code local}: {@link LocalStateStore}, a standalone node's {@code ConcurrentHashMap}s.
 * </ul>
 *
 * <p>Either way the lookups read {@link TableMirror}s, the decoded local copies that {@link
 * TierState} keeps of its two table maps; the entries are written to the store, so they reach the
 * mirrors as a remote node's writes would, through the store's entry events.
 *
 * <p>{@link #tableSticky} routes clients that have a sticky entry (no override: two lookups),
 * {@link #tableOverride} clients with an override (one lookup), {@link #tableNew} clients in
 * neither (two misses, then the ring). {@link #hash} routes the sticky clients in hash mode, where
 * no table is read. Each call routes a client picked at random from its set (precomputed order);
 * setup checks that every client is routed where and why it should be. {@code connecting} picks
 * from all clients (their table entries mostly out of the CPU caches) or from the first 500 (in
 * cache), which separates memory latency from computing. {@link #ringIndexOf} times one step of
 * a table hit alone.
 *
 * <p>{@link #hashHealth} is {@link #hash} with what a node puts in the path ({@link HealthRouter}):
 * the availability a {@code BalancerNode} builds (the tier's health verdict and this node's
 * suspicions) and drained brokers, on a tier of 3 or of 1000 brokers.
 *
 * <pre>
 * mvn -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar RouteDecisionBenchmark -prof gc
 * java -jar target/benchmarks.jar 'RouteDecisionBenchmark\.hash(Health)?$' -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
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
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
    // TierState logs the whole broker list when it seeds the tier: 1000 brokers on one line.
    "-Dorg.slf4j.simpleLogger.log.io.mqttlb.cluster.TierState=warn"})
public class RouteDecisionBenchmark {
  private static final int BROKERS = 1000;
  private static final int VIRTUAL_NODES = 160;
  private static final int STICKY = 100_000;
  private static final int OVERRIDES = 1000;
  private static final int ORDER = 1 << 16;
  private static final int MASK = ORDER - 1;
  private static final String SOURCE_IP = "10.1.2.3";
  private static final Duration STICKY_TTL = Duration.ofMinutes(30);

  private int cursor;

  /** The brokers, the clients of each kind and the order they connect in. */
  @State(Scope.Benchmark)
  public static class Clients {
    /**
     * How many different clients of each kind connect: all of them, or a few hundred whose table
     * entries, ids and ring points stay in the CPU caches, which leaves the computing alone.
     */
    @Param({"100000", "500"})
    int connecting;

    List<BrokerConfig> brokers;
    String[] sticky;
    String[] pinned;
    String[] fresh;
    /** The broker each sticky and pinned client's entry names. */
    String[] stickyBroker;
    String[] pinnedBroker;
    int[] order;
    int[] pinnedOrder;

    @Setup(Level.Trial)
    public void setUp() {
      brokers = new ArrayList<>();
      for (int i = 0; i < BROKERS; i++) {
        brokers.add(new BrokerConfig("broker-" + i, "10.0." + (i / 250) + "." + (i % 250 + 1), 1883, 1));
      }
      Random random = new Random(42);
      sticky = new String[STICKY];
      stickyBroker = new String[STICKY];
      fresh = new String[STICKY];
      for (int i = 0; i < STICKY; i++) {
        sticky[i] = String.format("sensor-%06d", i);
        fresh[i] = String.format("fresh-%06d", i);
        stickyBroker[i] = "broker-" + random.nextInt(BROKERS);
      }
      pinned = new String[OVERRIDES];
      pinnedBroker = new String[OVERRIDES];
      for (int i = 0; i < OVERRIDES; i++) {
        pinned[i] = String.format("pinned-%04d", i);
        pinnedBroker[i] = "broker-" + random.nextInt(BROKERS);
      }
      order = new int[ORDER];
      pinnedOrder = new int[ORDER];
      for (int i = 0; i < ORDER; i++) {
        order[i] = random.nextInt(Math.min(connecting, STICKY));
        pinnedOrder[i] = random.nextInt(Math.min(connecting, OVERRIDES));
      }
    }

    /**
     * New instances of the client ids, each next to its bytes (see {@code HashRingBenchmark}), for
     * the benchmark to route by: equal to the table's keys, not the same objects.
     */
    void freshCopies() {
      sticky = copies(sticky);
      pinned = copies(pinned);
      fresh = copies(fresh);
      System.gc();
    }

    private static String[] copies(String[] ids) {
      String[] copies = new String[ids.length];
      for (int i = 0; i < ids.length; i++) {
        copies[i] = new String(ids[i].toCharArray());
      }
      return copies;
    }
  }

  @State(Scope.Benchmark)
  public static class HashRouter {
    RoutingSnapshot snapshot;
    Router router;

    @Setup(Level.Trial)
    public void setUp(Clients clients) {
      snapshot = RoutingSnapshot.of(1, RoutingMode.HASH, clients.brokers, VIRTUAL_NODES);
      router = new Router(() -> snapshot, KeyField.CLIENT_ID, BrokerAvailability.ALL);
      clients.freshCopies();
      for (String id : clients.sticky) {
        expect(router.route(id, null, SOURCE_IP), RouteDecision.SOURCE_RING, null, id);
      }
    }
  }

  @State(Scope.Benchmark)
  public static class TableRouter {
    @Param({"hazelcast", "local"})
    String store;

    EmbeddedMembers cluster;
    TierState state;
    Router router;

    @Setup(Level.Trial)
    public void setUp(Clients clients) {
      StateStore stateStore;
      if (store.equals("local")) {
        stateStore = new LocalStateStore("lb-1");
      } else {
        cluster = EmbeddedMembers.start(1, config -> config
            .getReplicatedMapConfig(HazelcastStateStore.PREFIX + "*")
            .setInMemoryFormat(InMemoryFormat.OBJECT)
            .setAsyncFillup(false));
        stateStore = new HazelcastStateStore(cluster.member(0));
      }
      NodeConfig config = NodeConfig.defaults()
          .withBrokers(clients.brokers)
          .withRouting(RoutingConfig.defaults().withMode(RoutingMode.TABLE));
      state = TierState.open(stateStore, config, "RouteDecisionBenchmark");

      long started = System.nanoTime();
      SharedMap stickyMap = stateStore.map("sticky");
      long expiresAt = System.currentTimeMillis() + STICKY_TTL.toMillis();
      List<SharedMap.TimedPut> puts = new ArrayList<>();
      for (int i = 0; i < STICKY; i++) {
        puts.add(new SharedMap.TimedPut(clients.sticky[i], TableEntry.encode(clients.stickyBroker[i], expiresAt),
            STICKY_TTL.toMillis()));
      }
      stickyMap.putAll(puts); // as the sticky writer writes them, in overlapped batches
      for (int i = 0; i < OVERRIDES; i++) {
        state.putOverride(clients.pinned[i], clients.pinnedBroker[i], null);
      }
      System.out.printf("%nwrote %d sticky entries and %d overrides in %d ms%n", state.stickyCount(),
          state.overrideCount(), (System.nanoTime() - started) / 1_000_000);

      RoutingTable table = state;
      // The store's events reach the mirror on Hazelcast's event threads, shortly after the puts.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (String id : clients.sticky) {
        while (state.stickyBroker(id) == null) {
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("the sticky entries did not reach the mirror");
          }
          EmbeddedMembers.sleep(10);
        }
      }
      RoutingSnapshot snapshot = RoutingSnapshot.of(1, RoutingMode.TABLE, clients.brokers, VIRTUAL_NODES);
      router = new Router(() -> snapshot, KeyField.CLIENT_ID, BrokerAvailability.ALL, table);

      clients.freshCopies();
      for (int i = 0; i < STICKY; i++) {
        expect(router.route(clients.sticky[i], null, SOURCE_IP), RouteDecision.SOURCE_STICKY,
            clients.stickyBroker[i], clients.sticky[i]);
        expect(router.route(clients.fresh[i], null, SOURCE_IP), RouteDecision.SOURCE_RING, null, clients.fresh[i]);
      }
      for (int i = 0; i < OVERRIDES; i++) {
        expect(router.route(clients.pinned[i], null, SOURCE_IP), RouteDecision.SOURCE_OVERRIDE,
            clients.pinnedBroker[i], clients.pinned[i]);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      state.close();
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /**
   * A hash-mode router as a node builds it: availability is the tier's verdict ({@link TierHealth}
   * over a standalone node's {@link LocalStateStore}, fed this node's observations) and this node's
   * {@link BrokerSuspicion}s (none: a suspicion lasts one health interval), combined as {@code
   * BalancerNode} combines them. {@code tier} names the brokers and what is wrong with them; the
   * faulty brokers are spread over the ids ({@code broker-0}, {@code broker-100}, ...).
   * {@code availability=all} keeps the ring, drains included, but routes with {@link
   * BrokerAvailability#ALL}, so that the difference is the predicate's cost (down brokers are then
   * not skipped).
   */
  @State(Scope.Benchmark)
  public static class HealthRouter {
    @Param({"3_up", "3_1down", "1000_up", "1000_10down", "1000_10drained"})
    String tier;

    @Param({"production", "all"})
    String availability;

    TierHealth health;
    Router router;

    @Setup(Level.Trial)
    public void setUp(Clients clients) throws InterruptedException {
      String[] shape = tier.split("_", 2);
      int size = Integer.parseInt(shape[0]);
      List<BrokerConfig> brokers = clients.brokers.subList(0, size);
      Set<String> faulty = Set.of();
      if (!shape[1].equals("up")) {
        int count = shape[1].startsWith("10") ? 10 : 1;
        faulty = new TreeSet<>();
        for (int i = 0; i < count; i++) {
          faulty.add(brokers.get(size == 3 ? 1 : i * (size / count)).id());
        }
      }
      Set<String> down = shape[1].endsWith("down") ? faulty : Set.of();
      Set<String> drained = shape[1].endsWith("drained") ? faulty : Set.of();

      LocalStateStore store = new LocalStateStore("lb-1");
      health = new TierHealth("lb-1", store, TierHealth.openMap(store), new Metrics());
      health.start();
      for (BrokerConfig broker : brokers) {
        health.observe(broker.id(), !down.contains(broker.id()));
      }
      // The verdict is recomputed on the health thread; one member, so one vote is a majority.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (down.stream().anyMatch(health::isAvailable)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the tier does not see " + down + " down");
        }
        Thread.sleep(10);
      }
      BrokerSuspicion suspicion = new BrokerSuspicion(Duration.ofSeconds(5));
      // The same lambda as BalancerNode's: one capture, two lookups by broker id per ring member tried.
      BrokerAvailability production = id -> health.isAvailable(id) && suspicion.isAvailable(id);

      RoutingSnapshot snapshot = RoutingSnapshot.of(1, RoutingMode.HASH, brokers, VIRTUAL_NODES, drained);
      router = new Router(() -> snapshot, KeyField.CLIENT_ID,
          availability.equals("all") ? BrokerAvailability.ALL : production);
      clients.freshCopies();
      int moved = 0;
      for (String id : clients.sticky) {
        RouteDecision decision = router.route(id, null, SOURCE_IP);
        expect(decision, RouteDecision.SOURCE_RING, null, id);
        boolean skipped = drained.contains(decision.broker().id())
            || availability.equals("production") && down.contains(decision.broker().id());
        if (skipped) {
          throw new IllegalStateException(id + " was routed to " + decision.broker().id() + ", which is " + tier);
        }
        if (!snapshot.broker(snapshot.ring().lookup(decision.keyHash())).id().equals(decision.broker().id())) {
          moved++;
        }
      }
      System.out.printf("%n%s, availability %s: %d of %d clients walked past their ring owner%n", tier,
          availability, moved, clients.sticky.length);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      health.close();
    }
  }

  private static void expect(RouteDecision decision, String source, String broker, String clientId) {
    if (!decision.source().equals(source) || broker != null && !decision.broker().id().equals(broker)) {
      throw new IllegalStateException(clientId + " was routed to " + decision.broker().id() + " by "
          + decision.source() + ", expected " + source + (broker == null ? "" : " to " + broker));
    }
  }

  @Benchmark
  public RouteDecision hash(HashRouter hash, Clients clients) {
    return hash.router.route(clients.sticky[clients.order[cursor++ & MASK]], null, SOURCE_IP);
  }

  /** {@link #hash} with a node's availability and drained brokers ({@link HealthRouter}). */
  @Benchmark
  public RouteDecision hashHealth(HealthRouter health, Clients clients) {
    return health.router.route(clients.sticky[clients.order[cursor++ & MASK]], null, SOURCE_IP);
  }

  /**
   * Not a decision: the step that a table hit adds to it, finding the broker that the table names
   * among the ring's members (a binary search over the sorted ids).
   */
  @Benchmark
  public int ringIndexOf(HashRouter hash, Clients clients) {
    return hash.snapshot.ring().indexOf(clients.stickyBroker[clients.order[cursor++ & MASK]]);
  }

  @Benchmark
  public RouteDecision tableSticky(TableRouter table, Clients clients) {
    return table.router.route(clients.sticky[clients.order[cursor++ & MASK]], null, SOURCE_IP);
  }

  @Benchmark
  public RouteDecision tableOverride(TableRouter table, Clients clients) {
    return table.router.route(clients.pinned[clients.pinnedOrder[cursor++ & MASK]], null, SOURCE_IP);
  }

  @Benchmark
  public RouteDecision tableNew(TableRouter table, Clients clients) {
    return table.router.route(clients.fresh[clients.order[cursor++ & MASK]], null, SOURCE_IP);
  }
}
