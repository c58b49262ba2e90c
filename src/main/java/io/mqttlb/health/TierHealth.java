package io.mqttlb.health;

import io.mqttlb.cluster.MemberEntries;
import io.mqttlb.cluster.SharedMap;
import io.mqttlb.cluster.StateStore;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.routing.BrokerAvailability;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tier's agreement on which brokers are down: this node publishes its own observations (from
 * its {@link HealthChecker}) in the shared map {@value #MAP_NAME}, and recomputes the verdict
 * ({@link HealthVotes}: a strict majority of the live members) whenever that map or the membership
 * changes. The verdict is one immutable set behind a volatile field: {@link #isAvailable} on the
 * connect path neither locks nor allocates.
 *
 * <p>Writes to the map and recomputations run on one background thread of a {@link MemberEntries},
 * in order (an observation "down" then "up" is never reordered), never on an event loop. Thread-safe.
 */
public final class TierHealth implements BrokerAvailability, AutoCloseable {
  /** The shared map of observations ({@link StateStore#map}). */
  public static final String MAP_NAME = "health";
  private static final Logger log = LoggerFactory.getLogger(TierHealth.class);

  private final String nodeId;
  private final StateStore store;
  private final SharedMap observations;
  private final Metrics metrics;
  private final MemberEntries entries;
  private final Map<String, Instant> since = new ConcurrentHashMap<>();
  /** This node's last observation of each broker: up or not. */
  private final Map<String, Boolean> observed = new ConcurrentHashMap<>();
  private final List<Consumer<VerdictChange>> verdictListeners = new CopyOnWriteArrayList<>();
  private volatile HealthVotes votes = HealthVotes.NONE;
  /**
   * A private {@code HashSet}, never changed once published: its lookups compare the ids' cached
   * hashes before calling {@code equals}, where an immutable {@code Set.copyOf} calls {@code equals}
   * on every slot its probe passes, and broker ids of one length differ only in their last bytes.
   */
  private volatile Set<String> down = new HashSet<>();

  /** The tier's verdict on a broker changed: it is now {@code up} or not; {@code seenDownBy} of the live {@code members} see it down. */
  public record VerdictChange(String brokerId, boolean up, List<String> seenDownBy, List<String> members) {}

  /**
   * @param observations the map {@link #openMap} opened
   */
  public TierHealth(String nodeId, StateStore store, SharedMap observations, Metrics metrics) {
    this.nodeId = nodeId;
    this.store = store;
    this.observations = observations;
    this.metrics = metrics;
    this.entries = new MemberEntries("health", nodeId, store, observations, this::publishAgain, this::recompute);
  }

  /**
   * Opens the shared map of observations and waits for its local copy. Blocks (a joining
   * Hazelcast member's first read waits for the full copy): call off the event loop.
   */
  public static SharedMap openMap(StateStore store) {
    return MemberEntries.open(store, MAP_NAME);
  }

  /** Starts following the map and the membership, and computes the first verdict. */
  public void start() {
    entries.start();
  }

  /**
   * Writes every current observation of this node's again, on the background thread; on every
   * change of the membership and after this node merged back into the cluster. The checker writes
   * only when its view changes, but after a split the map may hold an older observation of this
   * node's than its last one (one written while it was cut off, if the merge policy dropped it), and
   * a node that merged back gets other nodes' current observations as events this way (see
   * docs/split-brain.md).
   */
  private void publishAgain() {
    log.debug("node {} publishes its observations again {}", nodeId, observed);
    observed.forEach((brokerId, up) ->
        observations.put(HealthVotes.key(brokerId, nodeId), HealthVotes.value(up, System.currentTimeMillis())));
  }

  /** Publishes this node's observation of a broker, in the background. Callable from any thread. */
  public void observe(String brokerId, boolean up) {
    String value = HealthVotes.value(up, System.currentTimeMillis());
    entries.inBackground(() -> {
      observed.put(brokerId, up);
      observations.put(HealthVotes.key(brokerId, nodeId), value);
    });
  }

  /** Withdraws this node's observation of a broker that left the broker set, in the background. */
  public void forget(String brokerId) {
    entries.inBackground(() -> {
      observed.remove(brokerId);
      observations.remove(HealthVotes.key(brokerId, nodeId));
    });
    since.remove(brokerId);
  }

  /** Whether the tier does not see the broker down. Lock-free and allocation-free. */
  @Override
  public boolean isAvailable(String brokerId) {
    return !down.contains(brokerId);
  }

  /**
   * This node's own view of the broker as it last published it (its vote): true while its checks
   * see the broker up, or before its first observation. Callable from any thread.
   */
  public boolean seesUp(String brokerId) {
    return !Boolean.FALSE.equals(observed.get(brokerId));
  }

  /** The live members whose checks fail the broker, sorted. */
  public List<String> seenDownBy(String brokerId) {
    return votes.seenDownBy(brokerId);
  }

  /** When this node's verdict on the broker last changed; null if it never did. */
  public Instant since(String brokerId) {
    return since.get(brokerId);
  }

  /**
   * Runs {@code listener} after each change of the verdict on a broker, on this object's background
   * thread (so changes arrive in the order they were decided); it must not block.
   */
  public void onVerdictChange(Consumer<VerdictChange> listener) {
    verdictListeners.add(listener);
  }

  /** Counts the votes of the live members; on the background thread. */
  private void recompute() {
    List<String> members = store.members();
    HealthVotes next = HealthVotes.count(observations.copy(), members);
    Set<String> before = down;
    votes = next;
    down = new HashSet<>(next.down());
    Set<String> changed = new HashSet<>(before);
    changed.addAll(next.down());
    changed.removeIf(id -> before.contains(id) && next.down().contains(id));
    Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
    for (String brokerId : changed) {
      boolean up = !next.down().contains(brokerId);
      since.put(brokerId, now);
      metrics.brokerTransition(brokerId, up);
      log.info("broker {} is {} for the tier: seen down by {} of {} live members {}", brokerId, up ? "up" : "down",
          next.seenDownBy(brokerId), members.size(), members);
      VerdictChange change = new VerdictChange(brokerId, up, next.seenDownBy(brokerId), List.copyOf(members));
      verdictListeners.forEach(listener -> listener.accept(change));
    }
  }

  /** Stops the background thread after the writes already asked for. */
  @Override
  public void close() {
    entries.close();
  }
}
