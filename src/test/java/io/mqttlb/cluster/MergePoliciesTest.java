package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.hazelcast.config.Config;
import com.hazelcast.config.ReplicatedMapConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge policies a node starts with: the shipped files name them, and a file that leaves the
 * tier's maps at Hazelcast's default (which brings removed entries back after a split) gets them.
 */
class MergePoliciesTest {
  @TempDir
  Path dir;

  @Test
  void theShippedFilesGiveTheLargerSideTheWinAndTheLatestWriteOfStickyAndHealth() {
    for (Path file : new Path[] {Path.of("cluster-config", "hazelcast.yaml"),
        Path.of("cluster-config", "kubernetes", "hazelcast.yaml")}) {
      Config shipped = HazelcastSetup.read(file);
      assertEquals(MergePolicies.LARGER_SIDE_WINS, policy(shipped, "mqttlb.*"), file.toString());
      assertEquals(MergePolicies.LATEST_WRITE_WINS, policy(shipped, "mqttlb.sticky"), file.toString());
      assertEquals(MergePolicies.LATEST_WRITE_WINS, policy(shipped, "mqttlb.health"), file.toString());
      assertEquals("5", shipped.getProperty("hazelcast.merge.next.run.delay.seconds"), file.toString());
      Config loaded = HazelcastSetup.load(file, "lb-1");
      assertFalse(loaded.getReplicatedMapConfig("mqttlb.sticky").isAsyncFillup(), "every map waits for its copy");
      assertFalse(loaded.getReplicatedMapConfig("mqttlb.health").isStatisticsEnabled());
    }
  }

  @Test
  void aFileWithoutPoliciesGetsMqttlbsWithoutChangingThePatternsOtherSettings() throws Exception {
    Path file = dir.resolve("hazelcast.yaml");
    Files.writeString(file, """
        hazelcast:
          replicatedmap:
            mqttlb.*:
              in-memory-format: BINARY
        """);
    Config config = HazelcastSetup.load(file, "lb-1");
    assertEquals(MergePolicies.LARGER_SIDE_WINS, policy(config, "mqttlb.*"));
    assertEquals(MergePolicies.LARGER_SIDE_WINS, config.getReplicatedMapConfig("mqttlb.brokers").getMergePolicyConfig().getPolicy());
    for (String name : MergePolicies.LATEST_WRITE_MAPS) {
      ReplicatedMapConfig map = config.getReplicatedMapConfig("mqttlb." + name);
      assertEquals(MergePolicies.LATEST_WRITE_WINS, map.getMergePolicyConfig().getPolicy(), name);
      assertEquals("BINARY", map.getInMemoryFormat().name(), name + " keeps the pattern's settings");
      assertFalse(map.isAsyncFillup(), name);
    }
    assertEquals("5", config.getProperty("hazelcast.merge.first.run.delay.seconds"));
  }

  @Test
  void aPolicyTheFileNamesIsKept() throws Exception {
    Path file = dir.resolve("hazelcast.yaml");
    Files.writeString(file, """
        hazelcast:
          replicatedmap:
            mqttlb.sticky:
              merge-policy:
                class-name: com.hazelcast.spi.merge.HigherHitsMergePolicy
        """);
    Config config = HazelcastSetup.load(file, "lb-1");
    assertEquals("com.hazelcast.spi.merge.HigherHitsMergePolicy", policy(config, "mqttlb.sticky"));
    assertEquals(MergePolicies.LATEST_WRITE_WINS, policy(config, "mqttlb.health"));
  }

  private static String policy(Config config, String name) {
    return config.getReplicatedMapConfigs().get(name).getMergePolicyConfig().getPolicy();
  }
}
