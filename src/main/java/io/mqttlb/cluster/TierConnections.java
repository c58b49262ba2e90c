package io.mqttlb.cluster;

import io.mqttlb.routing.BrokerLoads;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tier's client connections per broker, for least-loaded routing. Each node publishes the clients it has
 * placed on each broker in the shared map {@value #MAP_NAME}, under its own node id, as {@code b1=12,b2=0}: every
 * {@value #PUBLISH_EVERY_MILLIS} ms, and only when the counts changed (a quiet tier writes nothing). A node reads
 * the other live members' entries (the entry of a member that left is ignored, and removed by the member itself
 * when it stops cleanly) and adds its own counts as they are now, so its own clients are never stale: a burst of
 * clients on one node spreads over the brokers at once, and another node sees it within one publishing period
 * plus the map's replication (milliseconds on a LAN).
 *
 * <p>The other members' sums are recomputed, on this object's background thread, when the map or the membership
 * changes, and published as one immutable map behind a volatile field: {@link #connections} on the connect path
 * is one lookup there plus this node's own count, and never waits. After a change of membership and after a
 * merge back into the cluster the node writes its entry again, since the merged map may have dropped it
 * ({@link MemberEntries} keeps that order and timing). Thread-safe.
 */
public final class TierConnections implements BrokerLoads, AutoCloseable {
  /** The shared map of counts ({@link StateStore#map}), one entry per node. */
  public static final String MAP_NAME = "connections";
  /** How often a node looks whether its counts changed, and publishes them if they did. */
  public static final long PUBLISH_EVERY_MILLIS = 500;
  private static final Logger log = LoggerFactory.getLogger(TierConnections.class);

  private final String nodeId;
  private final StateStore store;
  private final SharedMap published;
  private final Supplier<List<String>> brokerIds;
  private final ToLongFunction<String> placedHere;
  private final MemberEntries entries;
  /** What this node last wrote; confined to the background thread. */
  private String lastPublished;
  /** The other live members' counts, summed per broker. */
  private volatile Map<String, Long> others = Map.of();

  /**
   * @param published the map {@link #openMap} opened
   * @param brokerIds the brokers to publish counts of (the current routing snapshot's)
   * @param placedHere this node's clients on a broker now, relaying or being connected
   */
  public TierConnections(String nodeId, StateStore store, SharedMap published, Supplier<List<String>> brokerIds,
                         ToLongFunction<String> placedHere) {
    this.nodeId = nodeId;
    this.store = store;
    this.published = published;
    this.brokerIds = brokerIds;
    this.placedHere = placedHere;
    this.entries = new MemberEntries("connections", nodeId, store, published, () -> publish(true), this::recompute);
  }

  /**
   * Opens the shared map and waits for its local copy. Blocks (a joining Hazelcast member's first read waits for the
   * full copy): call off the event loop.
   */
  public static SharedMap openMap(StateStore store) {
    return MemberEntries.open(store, MAP_NAME);
  }

  /** Starts publishing this node's counts and following the other members'. */
  public void start() {
    entries.start();
    entries.every(PUBLISH_EVERY_MILLIS, () -> publish(false));
  }

  @Override
  public long connections(String brokerId) {
    return others.getOrDefault(brokerId, 0L) + placedHere.applyAsLong(brokerId);
  }

  private void publish(boolean always) {
    try {
      StringJoiner value = new StringJoiner(",");
      for (String id : brokerIds.get()) {
        value.add(id + "=" + placedHere.applyAsLong(id));
      }
      String counts = value.toString();
      if (always || !counts.equals(lastPublished)) {
        published.put(nodeId, counts);
        lastPublished = counts;
      }
    } catch (RuntimeException e) {
      // A failed write (the cluster shutting down, a member cut off) is retried at the next period.
      log.debug("node {} could not publish its connection counts: {}", nodeId, e.toString());
    }
  }

  /** Sums the other live members' counts; on the background thread. */
  private void recompute() {
    Set<String> live = new HashSet<>(store.members());
    Map<String, Long> sums = new HashMap<>();
    for (Map.Entry<String, String> entry : published.copy().entrySet()) {
      if (!entry.getKey().equals(nodeId) && live.contains(entry.getKey())) {
        addCounts(entry.getValue(), sums);
      }
    }
    others = sums;
  }

  /** Adds the counts of one node's entry to {@code sums}; an unreadable part is skipped (a newer node's format). */
  static void addCounts(String value, Map<String, Long> sums) {
    if (value == null || value.isEmpty()) {
      return;
    }
    for (String part : value.split(",")) {
      int equals = part.indexOf('=');
      if (equals <= 0) {
        continue;
      }
      try {
        long count = Long.parseLong(part.substring(equals + 1));
        if (count > 0) {
          sums.merge(part.substring(0, equals), count, Long::sum);
        }
      } catch (NumberFormatException e) {
        // skipped, as above
      }
    }
  }

  /** The other live members' counts as this node last summed them, by broker id. */
  public Map<String, Long> others() {
    return others;
  }

  /** Stops publishing and removes this node's entry, so that the others stop counting its clients at once. */
  @Override
  public void close() {
    entries.close();
    try {
      published.remove(nodeId);
    } catch (RuntimeException e) {
      log.debug("node {} could not remove its connection counts: {}", nodeId, e.toString());
    }
  }
}
