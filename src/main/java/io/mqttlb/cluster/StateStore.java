package io.mqttlb.cluster;

import java.util.List;

/**
 * Where the tier's shared state lives: in Hazelcast when the node is clustered, in this process when
 * it runs standalone. {@link TierState} holds the meaning; a store only holds strings.
 */
public interface StateStore {
  /** The map of this name; the same name gives the same map on every node. */
  SharedMap map(String name);

  /**
   * The maps of these names, as {@link #map} gives them, in the same order. A store whose maps take
   * a while to open (a joining member copies each one in full first) opens them side by side.
   */
  default List<SharedMap> maps(String... names) {
    List<SharedMap> maps = new java.util.ArrayList<>();
    for (String name : names) {
      maps.add(map(name));
    }
    return maps;
  }

  /**
   * Claims the right to seed the tier's state from this node's configuration. Exactly one caller in
   * the cluster's lifetime gets {@code true}: the first node. Blocks for a cluster round trip.
   */
  boolean claimSeed(String nodeId);

  /** The node ids of the live members, this one included. */
  List<String> members();

  /**
   * Runs {@code listener} (on some Hazelcast thread) after a member joined or left, when
   * {@link #members()} already answers the new set. A standalone store has one member for good and
   * never runs it.
   */
  void onMembersChange(Runnable listener);

  boolean clustered();
}
