package io.mqttlb.cluster;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.routing.RoutingTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state the whole tier shares: the broker set, the routing mode, operators'
 * overrides and learned sticky entries. Reads are local; the write methods may block for a cluster
 * round trip and must be called off the event loop. Sticky entries are written in the background by
 * a {@link StickyWriter}, so the connect path never waits for the cluster.
 *
 * <p>The table lookups of the connect path ({@link #overrideBroker}, {@link #stickyBroker}) read
 * {@link TableMirror}s, local decoded copies of the two table maps, and allocate nothing; this
 * node's own table writes reach its mirrors before they return, other nodes' writes when the
 * store reports them.
 */
public final class TierState implements RoutingTable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TierState.class);
  private static final String MODE = "mode";
  /** Settings key prefix of a drained broker's flag: {@code drained.<brokerId>} = "true". */
  private static final String DRAINED_PREFIX = "drained.";
  /** How long a joining node waits for the seeding node to finish writing the state. */
  private static final Duration SEED_WAIT = Duration.ofSeconds(30);

  private final StateStore store;
  private final SharedMap brokers;
  private final SharedMap settings;
  private final SharedMap overrides;
  private final SharedMap sticky;
  private final SharedMap moves;
  private final TableMirror overrideTable;
  private final TableMirror stickyTable;
  private final StickyWriter stickyWriter;
  private final Duration stickyTtl;
  private final List<Runnable> routingListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<MergedBack>> mergeListeners = new CopyOnWriteArrayList<>();
  /** Whether this node seeded the tier's state from its configuration when it started; see {@link #seededFromConfig}. */
  private volatile boolean seededFromConfig;
  /** This node's copy as it was when a merge back into the cluster began; null between merges. */
  private volatile HeldAtMerge heldAtMerge;

  /**
   * This node merged back into the tier after a split: the entries of its copy that did not survive
   * the merge, each as {@code "<kind> <key>=<value> (<what the tier has>)"} with kind broker,
   * setting or override (none when it lost nothing), and its sticky table's size before and after.
   */
  public record MergedBack(List<String> dropped, int stickyBefore, int stickyNow) {
    public MergedBack {
      dropped = List.copyOf(dropped);
    }
  }

  /** The small maps in full and the sticky table's size, as this node held them. */
  private record HeldAtMerge(Map<String, String> brokers, Map<String, String> settings,
                             Map<String, String> overrides, int sticky) {}

  private TierState(StateStore store, Duration stickyTtl, long maxEntries) {
    this.store = store;
    this.stickyTtl = stickyTtl;
    List<SharedMap> maps = store.maps("brokers", "settings", "overrides", "sticky", "moves");
    this.brokers = maps.get(0);
    this.settings = maps.get(1);
    this.overrides = maps.get(2);
    this.sticky = maps.get(3);
    this.moves = maps.get(4);
    this.overrideTable = TableMirror.follow(overrides);
    this.stickyTable = TableMirror.follow(sticky);
    this.stickyWriter = new StickyWriter(sticky, stickyTable, stickyTtl, maxEntries);
  }

  /**
   * Opens the tier's state for a node. The first node of a cluster (and every standalone node)
   * seeds it from its configuration; a node that joins a running tier adopts the tier's state and
   * ignores the brokers and mode of its file, saying so in the log. Blocks: call off the event loop.
   */
  public static TierState open(StateStore store, NodeConfig config, String configSource) {
    TierState state = new TierState(store, config.routing().stickyTtl(), config.routing().maxEntries());
    if (store.claimSeed(config.nodeId())) {
      state.seed(config);
      if (store.clustered()) {
        log.info("node {} is the first of the tier: seeded its state from {} (mode {}, brokers {})",
            config.nodeId(), configSource, config.routing().mode().label(), describe(config.brokers()));
      }
    } else {
      state.adopt(config, configSource);
    }
    state.awaitLocalCopies();
    state.stickyWriter.start();
    store.onClusterMerge(() -> state.beforeMerge(config.nodeId()), () -> state.afterMerge(config.nodeId()));
    return state;
  }

  /**
   * Touches every map once, here on a worker thread: a joining member's first read of a replicated
   * map waits until its copy has arrived, and that wait must not happen on an event loop.
   */
  private void awaitLocalCopies() {
    brokers.size();
    settings.size();
    overrides.size();
    sticky.size();
    moves.size();
  }

  private void seed(NodeConfig config) {
    seededFromConfig = true;
    for (BrokerConfig broker : config.brokers()) {
      putBroker(broker);
    }
    settings.put(MODE, config.routing().mode().label()); // written last: joining nodes wait for it
  }

  private void adopt(NodeConfig config, String configSource) {
    long deadline = System.nanoTime() + SEED_WAIT.toNanos();
    while (settings.get(MODE) == null && System.nanoTime() - deadline < 0) {
      sleep(50);
    }
    if (settings.get(MODE) == null) {
      log.warn("the tier claims to be seeded but has no state after {}; seeding it from {}", SEED_WAIT, configSource);
      seed(config);
      return;
    }
    List<BrokerConfig> tierBrokers = brokers();
    log.info("node {} joined a running tier and adopts its state (mode {}, brokers {}); the cluster wins over {}",
        config.nodeId(), mode().label(), describe(tierBrokers), configSource);
    if (!sameBrokers(tierBrokers, config.brokers()) || mode() != config.routing().mode()) {
      log.warn("{} differs from the tier's state and is ignored: file has mode {}, brokers {}", configSource,
          config.routing().mode().label(), describe(config.brokers()));
    }
  }

  // ---- brokers and mode ----

  /** The broker set, sorted by id. */
  public List<BrokerConfig> brokers() {
    List<BrokerConfig> list = new ArrayList<>();
    for (Map.Entry<String, String> entry : brokers.copy().entrySet()) {
      BrokerConfig broker = decodeBroker(entry.getKey(), entry.getValue());
      if (broker != null) {
        list.add(broker);
      }
    }
    list.sort(Comparator.comparing(BrokerConfig::id));
    return list;
  }

  public BrokerConfig broker(String id) {
    return decodeBroker(id, brokers.get(id));
  }

  /** Adds or changes a broker, cluster-wide. */
  public void putBroker(BrokerConfig broker) {
    brokers.put(broker.id(), BrokerValue.encode(broker));
  }

  /** Removes a broker, cluster-wide, with its drained flag; false when there was none of that id. */
  public boolean removeBroker(String id) {
    settings.remove(DRAINED_PREFIX + id);
    return brokers.remove(id) != null;
  }

  /** Drains a broker, cluster-wide: it stays on the ring but gets no new clients. */
  public void drain(String brokerId) {
    settings.put(DRAINED_PREFIX + brokerId, "true");
  }

  /** Lets a drained broker take new clients again, cluster-wide. */
  public void enable(String brokerId) {
    settings.remove(DRAINED_PREFIX + brokerId);
  }

  /** Ids of the drained brokers (flags of brokers since removed included). */
  public Set<String> drained() {
    Set<String> ids = new TreeSet<>();
    for (Map.Entry<String, String> entry : settings.copy().entrySet()) {
      if (entry.getKey().startsWith(DRAINED_PREFIX) && "true".equals(entry.getValue())) {
        ids.add(entry.getKey().substring(DRAINED_PREFIX.length()));
      }
    }
    return ids;
  }

  /**
   * Progress of move jobs, one entry per node (see io.mqttlb.moves). Reads are local; writes may
   * block, call them off the event loop.
   */
  public SharedMap moveProgress() {
    return moves;
  }

  public RoutingMode mode() {
    String label = settings.get(MODE);
    try {
      return label == null ? RoutingMode.HASH : RoutingMode.parse(label);
    } catch (IllegalArgumentException e) {
      log.warn("the tier's mode reads {}; routing in hash mode", label);
      return RoutingMode.HASH;
    }
  }

  public void setMode(RoutingMode mode) {
    settings.put(MODE, mode.label());
  }

  /**
   * Runs {@code listener} after the broker set, the mode or a drained flag changed, and after this
   * node merged back into the cluster, on any thread.
   */
  public void onRoutingChange(Runnable listener) {
    brokers.onChange(listener);
    settings.onChange(listener);
    routingListeners.add(listener);
  }

  // ---- merging back after a split ----

  private void beforeMerge(String nodeId) {
    HeldAtMerge held = new HeldAtMerge(brokers.copy(), settings.copy(), overrides.copy(), sticky.size());
    heldAtMerge = held;
    log.warn("node {} was cut off from the tier and merges back into it; the tier's state wins over this node's copy, "
        + "which holds brokers {}, settings {}, {} overrides and {} sticky entries", nodeId, held.brokers(),
        held.settings(), held.overrides().size(), held.sticky());
  }

  /**
   * The merge replaced this node's copy with the cluster's (the merge policies decide what of this
   * node's own survives) without entry events: the mirrors and the routing snapshot read the maps
   * again, and every entry this node held that did not survive is logged.
   */
  private void afterMerge(String nodeId) {
    overrideTable.refill(overrides.copy());
    stickyTable.refill(sticky.copy());
    routingListeners.forEach(Runnable::run);
    HeldAtMerge held = heldAtMerge;
    heldAtMerge = null;
    if (held != null) {
      MergedBack merged = losses(held);
      log(nodeId, merged);
      mergeListeners.forEach(listener -> listener.accept(merged));
    }
  }

  private MergedBack losses(HeldAtMerge held) {
    List<String> lost = new ArrayList<>();
    MergeLosses.of(held.brokers(), brokers.copy()).forEach(line -> lost.add("broker " + line));
    MergeLosses.of(held.settings(), settings.copy()).forEach(line -> lost.add("setting " + line));
    MergeLosses.of(held.overrides(), overrides.copy()).forEach(line -> lost.add("override " + line));
    return new MergedBack(lost, held.sticky(), sticky.size());
  }

  private static void log(String nodeId, MergedBack merged) {
    if (merged.dropped().isEmpty()) {
      log.info("node {} merged back into the tier after a split and lost nothing it held (sticky entries: {} before, "
          + "{} now)", nodeId, merged.stickyBefore(), merged.stickyNow());
      return;
    }
    log.warn("node {} merged back into the tier after a split; the tier's state won and {} of this node's entries "
        + "were dropped (sticky entries: {} before, {} now):", nodeId, merged.dropped().size(), merged.stickyBefore(),
        merged.stickyNow());
    merged.dropped().forEach(line -> log.warn("node {} dropped {}", nodeId, line));
  }

  /**
   * Runs {@code listener} each time this node merged back into the tier after a split, once the
   * merge's losses are known and logged, on a cluster thread; it must not block.
   */
  public void onMergedBack(Consumer<MergedBack> listener) {
    mergeListeners.add(listener);
  }

  /**
   * Whether this node seeded the tier's state from its own configuration when it started (it found
   * no other member, or it is standalone), rather than adopting the state of a running tier, which
   * then won over its file.
   */
  public boolean seededFromConfig() {
    return seededFromConfig;
  }

  public List<String> members() {
    return store.members();
  }

  public boolean clustered() {
    return store.clustered();
  }

  /** Runs {@code listener} (on some cluster thread) after a node joined or left, once {@link #members()} tells. */
  public void onMembersChange(Runnable listener) {
    store.onMembersChange(listener);
  }

  // ---- the table ----

  @Override
  public String overrideBroker(String key) {
    return overrideTable.liveBroker(key);
  }

  @Override
  public String stickyBroker(String key) {
    return stickyTable.liveBroker(key);
  }

  /** Pins a key to a broker, cluster-wide; {@code ttl} null for an override that does not expire. */
  public TableEntry putOverride(String key, String broker, Duration ttl) {
    long expiresAt = ttl == null ? 0 : System.currentTimeMillis() + ttl.toMillis();
    String value = TableEntry.encode(broker, expiresAt);
    if (ttl == null) {
      overrides.put(key, value);
    } else {
      overrides.put(key, value, ttl);
    }
    overrideTable.putLocal(key, broker, expiresAt);
    return new TableEntry(key, broker, TableEntry.OVERRIDE, expiresAt);
  }

  /** Removes a key's override and sticky entry; false when it had neither. */
  public boolean removeEntry(String key) {
    boolean removedOverride = overrides.remove(key) != null;
    overrideTable.removeLocal(key);
    boolean removedSticky = sticky.remove(key) != null;
    stickyTable.removeLocal(key);
    return removedOverride || removedSticky;
  }

  /**
   * Notes, without waiting, that a client of this key was sent to (or left) this broker: its sticky
   * entry is written or refreshed in the background with a full TTL.
   */
  public void recordSticky(String key, String broker, StickyEvent event) {
    stickyWriter.enqueue(key, broker, event);
  }

  /** How often a node refreshes the sticky entries of its connected clients. */
  public Duration stickyRefreshInterval() {
    return stickyWriter.refreshInterval();
  }

  /** Sticky writes skipped because the entry already named the broker with enough life left. */
  public long stickyWritesSkipped() {
    return stickyWriter.skipped();
  }

  /** How long a sticky entry lives after its last refresh ({@code routing.table.stickyTtl}). */
  public Duration stickyTtl() {
    return stickyTtl;
  }

  /** Entries whose key starts with {@code prefix}, in key order, at most {@code limit}. */
  public TablePage table(String prefix, int limit) {
    return table(prefix, null, limit);
  }

  /**
   * Entries whose key starts with {@code prefix} and sorts after {@code after} (null: from the
   * first), in key order, at most {@code limit}: the next page after a page whose last key was
   * {@code after}.
   */
  public TablePage table(String prefix, String after, int limit) {
    TreeMap<String, TableEntry> matching = new TreeMap<>();
    long stickyCount = collect(sticky.copy(), TableEntry.STICKY, prefix, matching);
    long overrideCount = collect(overrides.copy(), TableEntry.OVERRIDE, prefix, matching); // hides a sticky entry
    Map<String, TableEntry> page = after == null ? matching : matching.tailMap(after, false);
    List<TableEntry> entries = page.values().stream().limit(limit).collect(Collectors.toList());
    return new TablePage(overrideCount + stickyCount, overrideCount, stickyCount, entries);
  }

  public long overrideCount() {
    return overrides.size();
  }

  public long stickyCount() {
    return sticky.size();
  }

  /** Sticky writes dropped because the background writer was too far behind. */
  public long stickyWritesDropped() {
    return stickyWriter.dropped();
  }

  /** Sticky entries removed to keep the table within {@code routing.table.maxEntries}. */
  public long stickyEvictions() {
    return stickyWriter.evicted();
  }

  @Override
  public void close() {
    stickyWriter.close();
  }

  /** Adds the live entries under {@code prefix} to {@code into}; returns how many live entries there are in all. */
  private static long collect(Map<String, String> entries, String kind, String prefix, Map<String, TableEntry> into) {
    long now = System.currentTimeMillis();
    long live = 0;
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      TableEntry decoded = TableEntry.decode(entry.getKey(), entry.getValue(), kind);
      if (decoded == null || (decoded.expiresAt() != 0 && decoded.expiresAt() <= now)) {
        continue;
      }
      live++;
      if (prefix == null || decoded.key().startsWith(prefix)) {
        into.put(decoded.key(), decoded);
      }
    }
    return live;
  }

  private static BrokerConfig decodeBroker(String id, String value) {
    if (value == null) {
      return null;
    }
    try {
      return BrokerValue.decode(id, value);
    } catch (RuntimeException e) {
      log.warn("ignoring broker {} with unreadable shared value {}", id, value);
      return null;
    }
  }

  private static boolean sameBrokers(List<BrokerConfig> a, List<BrokerConfig> b) {
    List<BrokerConfig> sorted = new ArrayList<>(b);
    sorted.sort(Comparator.comparing(BrokerConfig::id));
    return a.equals(sorted);
  }

  private static String describe(List<BrokerConfig> brokers) {
    return brokers.stream().map(b -> b.id() + "=" + b.address() + (b.weight() == 1 ? "" : "×" + b.weight())
            + (b.sendProxyProtocol() == ProxyProtocol.NONE ? "" : " proxy-" + b.sendProxyProtocol().label())
            + (b.tls() == null ? "" : b.tls().verify() ? " tls" : " tls-unverified")
            + (b.maxConnectRate() == 0 ? "" : " max " + b.maxConnectRate() + "/s"))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the tier's state", e);
    }
  }
}
