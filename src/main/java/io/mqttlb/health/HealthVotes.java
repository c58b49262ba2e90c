package io.mqttlb.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tier's verdict from the nodes' observations. Each node writes, in the shared map
 * {@code health}, the key {@code <brokerId>|<nodeId>} with the value {@code up|<epochMillis>} or
 * {@code down|<epochMillis>}. A broker is down for the tier when a <b>strict majority of the live
 * members</b> see it down. A live member that has not reported counts as seeing it up; entries of
 * nodes that are not members (they left, or died) are ignored. Immutable; pure.
 *
 * <pre>
 *   members       down votes   verdict
 *   1             1            down
 *   2             1            up     (half is not a majority: one node's bad link cannot take a broker out)
 *   2             2            down
 *   3             2            down
 * </pre>
 */
public final class HealthVotes {
  public static final HealthVotes NONE = new HealthVotes(Set.of(), Map.of());
  static final String UP = "up|";
  static final String DOWN = "down|";

  private final Set<String> down;
  private final Map<String, List<String>> seenDownBy;

  private HealthVotes(Set<String> down, Map<String, List<String>> seenDownBy) {
    this.down = down;
    this.seenDownBy = seenDownBy;
  }

  /** Counts the entries of the shared map against the live members. */
  public static HealthVotes count(Map<String, String> entries, Collection<String> members) {
    Set<String> live = new HashSet<>(members);
    Map<String, List<String>> seenDownBy = new TreeMap<>();
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      String key = entry.getKey();
      int bar = key.indexOf('|');
      if (bar <= 0 || entry.getValue() == null || !entry.getValue().startsWith(DOWN)) {
        continue;
      }
      String node = key.substring(bar + 1);
      if (live.contains(node)) {
        seenDownBy.computeIfAbsent(key.substring(0, bar), b -> new ArrayList<>()).add(node);
      }
    }
    Set<String> down = new HashSet<>();
    Map<String, List<String>> frozen = new TreeMap<>();
    seenDownBy.forEach((broker, nodes) -> {
      nodes.sort(null);
      frozen.put(broker, List.copyOf(nodes));
      if (2 * nodes.size() > live.size()) {
        down.add(broker);
      }
    });
    return new HealthVotes(Set.copyOf(down), Map.copyOf(frozen));
  }

  /** The key a node writes its observation of a broker under. */
  public static String key(String brokerId, String nodeId) {
    return brokerId + '|' + nodeId;
  }

  /** The value of an observation made at {@code epochMillis}. */
  public static String value(boolean up, long epochMillis) {
    return (up ? UP : DOWN) + epochMillis;
  }

  /** The brokers that are down for the tier; immutable. */
  public Set<String> down() {
    return down;
  }

  /** The live members that see this broker down, sorted; empty when none does. */
  public List<String> seenDownBy(String brokerId) {
    return seenDownBy.getOrDefault(brokerId, List.of());
  }
}
