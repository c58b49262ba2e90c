package io.mqttlb.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.ReplicatedMapConfig;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import java.util.List;

/**
 * How the tier's replicated maps merge when a node that was cut off from the cluster (a network
 * split, a frozen process) comes back: the smaller side merges into the larger one, entry by entry,
 * through each map's merge policy. docs/split-brain.md tells why each map has the policy it has.
 *
 * <ul>
 *   <li>Every map but two: the larger side wins and the smaller side's entries are dropped
 *       ({@link DiscardMergePolicy}). Hazelcast keeps no record of removals, so any policy that takes
 *       entries from the smaller side would bring back brokers and overrides the larger side removed.
 *   <li>{@code sticky} and {@code health}: the entry written last wins ({@link LatestUpdateMergePolicy}).
 *       A sticky entry written on the smaller side is where that client's session went last; a health
 *       observation is written only by the node it names, so the latest is that node's current one.
 * </ul>
 *
 * <p>The operator's file may set the policies (the shipped files do, to these); a map left at
 * Hazelcast's default ({@link PutIfAbsentMergePolicy}, which brings removed entries back) gets
 * mqttlb's.
 */
final class MergePolicies {
  static final String LARGER_SIDE_WINS = DiscardMergePolicy.class.getName();
  static final String LATEST_WRITE_WINS = LatestUpdateMergePolicy.class.getName();
  /** The maps, by name without the prefix, whose latest write wins. */
  static final List<String> LATEST_WRITE_MAPS = List.of("sticky", "health");

  private MergePolicies() {}

  /** Gives each of mqttlb's replicated maps that is left at Hazelcast's default merge policy mqttlb's policy. */
  static void complete(Config config) {
    ReplicatedMapConfig all = config.getReplicatedMapConfig(HazelcastStateStore.PREFIX + "*");
    if (isHazelcastDefault(all)) {
      setPolicy(all, LARGER_SIDE_WINS);
    }
    for (String name : LATEST_WRITE_MAPS) {
      ReplicatedMapConfig own = config.getReplicatedMapConfigs().get(HazelcastStateStore.PREFIX + name);
      if (own == null) {
        // A copy of the pattern's settings under the map's own name; getReplicatedMapConfig would
        // answer the pattern's config itself.
        own = new ReplicatedMapConfig(all).setName(HazelcastStateStore.PREFIX + name);
        setPolicy(own, LATEST_WRITE_WINS);
        config.addReplicatedMapConfig(own);
      } else if (isHazelcastDefault(own)) {
        setPolicy(own, LATEST_WRITE_WINS);
      }
    }
  }

  private static boolean isHazelcastDefault(ReplicatedMapConfig map) {
    String policy = map.getMergePolicyConfig().getPolicy();
    return policy == null || policy.equals(PutIfAbsentMergePolicy.class.getName())
        || policy.equals(PutIfAbsentMergePolicy.class.getSimpleName());
  }

  /** A new policy object: a copied map config shares the original's. */
  private static void setPolicy(ReplicatedMapConfig map, String policy) {
    map.setMergePolicyConfig(new MergePolicyConfig(policy, map.getMergePolicyConfig().getBatchSize()));
  }
}
