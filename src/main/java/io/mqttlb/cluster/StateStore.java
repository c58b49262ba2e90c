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

  /**
   * Runs {@code beforeMerge} when this node, cut off from the cluster long enough to be counted out
   * (a network split, a frozen process), starts merging back into the larger cluster, while its maps
   * still hold its own copy; and {@code afterMerge} once it is a member again and its maps hold the
   * merged state. Merging replaces the node's copy without entry events: whatever follows a map
   * through {@link SharedMap#onEntryChange} must read it again then. {@code beforeMerge} runs on a
   * Hazelcast thread, {@code afterMerge} on one of the store's. A standalone store never merges and
   * never runs them.
   */
  void onClusterMerge(Runnable beforeMerge, Runnable afterMerge);

  boolean clustered();
}
