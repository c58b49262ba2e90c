package io.mqttlb.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tier's membership on the console, one line of ours per change, naming nodes by their ids:
 * <pre>
 * node lb-2 is in the tier: members [lb-1, lb-2]
 * node lb-2 sees lb-3 join the tier: members [lb-1, lb-2, lb-3]
 * node lb-2 sees lb-1 leave the tier: members [lb-2, lb-3]
 * </pre>
 * It stands in for Hazelcast's own member lists (a block of addresses and UUIDs per member per
 * change), which the shipped logging configuration keeps below INFO. Thread-safe: listeners run on
 * Hazelcast threads, and one lock orders the readings.
 */
public final class MembershipLog {
  private static final Logger log = LoggerFactory.getLogger(MembershipLog.class);

  private final String nodeId;
  private final StateStore store;
  private final Consumer<String> lines;
  private List<String> members = List.of();

  private MembershipLog(String nodeId, StateStore store, Consumer<String> lines) {
    this.nodeId = nodeId;
    this.store = store;
    this.lines = lines;
  }

  /**
   * Logs the members {@code store} has now, then every change. A standalone store has no tier to
   * report and logs nothing.
   */
  public static void follow(String nodeId, StateStore store) {
    follow(nodeId, store, log::info);
  }

  static void follow(String nodeId, StateStore store, Consumer<String> lines) {
    if (!store.clustered()) {
      return;
    }
    MembershipLog membership = new MembershipLog(nodeId, store, lines);
    // Listen first, then read: a change in between is seen by the next reading, not lost.
    store.onMembersChange(membership::changed);
    membership.changed();
  }

  /**
   * Reads the members under the lock: a reading taken outside could be applied after a newer one
   * and report a member twice.
   */
  private synchronized void changed() {
    List<String> before = members;
    members = List.copyOf(store.members());
    describe(nodeId, before, members).ifPresent(lines);
  }

  /** The line for a change from {@code before} to {@code now}; empty when the members are the same. */
  static Optional<String> describe(String nodeId, List<String> before, List<String> now) {
    List<String> sorted = now.stream().sorted().toList();
    if (before.isEmpty()) {
      return Optional.of("node " + nodeId + " is in the tier: members " + sorted);
    }
    List<String> joined = new ArrayList<>(now);
    joined.removeAll(before);
    List<String> left = new ArrayList<>(before);
    left.removeAll(now);
    List<String> changes = new ArrayList<>();
    if (!joined.isEmpty()) {
      changes.add(names(joined) + " join");
    }
    if (!left.isEmpty()) {
      changes.add(names(left) + " leave");
    }
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("node " + nodeId + " sees " + String.join(" and ", changes) + " the tier: members " + sorted);
  }

  private static String names(List<String> ids) {
    return String.join(", ", ids.stream().sorted().toList());
  }
}
