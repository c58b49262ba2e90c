package io.mqttlb.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.ReplicatedMapConfig;
import io.mqttlb.config.ConfigException;
import io.mqttlb.config.NodeConfig;
import java.io.FileNotFoundException;
import java.nio.file.Path;

/**
 * Turns the operator's Hazelcast file ({@code cluster.hazelcastConfig}, YAML or XML) into the
 * configuration a node starts with. The file stays the operator's: this adds only what mqttlb and
 * Vert.x cannot run without, and defaults that the file did not set.
 */
public final class HazelcastSetup {
  /** The node configuration's key that names the file. */
  public static final String CONFIG_KEY = "cluster.hazelcastConfig";

  private HazelcastSetup() {}

  /**
   * Loads the file and completes it for the node {@code nodeId}.
   *
   * @throws IllegalArgumentException when the file is missing or not a Hazelcast configuration
   */
  public static Config load(Path file, String nodeId) {
    Config config = read(file);
    // Vert.x's event bus keeps its subscriptions in this multimap and needs set semantics.
    config.getMultiMapConfig("__vertx.subs").setValueCollectionType(MultiMapConfig.ValueCollectionType.SET);
    // How the maps merge after a split (see MergePolicies), then, for every one of them:
    // a joining node must not route on an empty copy of the shared state: reads of mqttlb's
    // replicated maps wait until the initial copy from the other members has arrived.
    // Statistics of a replicated map are computed by walking every entry, every few seconds: with a
    // sticky table of a million entries that is a steady CPU cost for numbers mqttlb's own metrics give.
    MergePolicies.complete(config);
    for (ReplicatedMapConfig map : config.getReplicatedMapConfigs().values()) {
      if (map.getName().startsWith(HazelcastStateStore.PREFIX)) {
        map.setAsyncFillup(false).setStatisticsEnabled(false);
      }
    }
    config.getMemberAttributeConfig().setAttribute(HazelcastStateStore.NODE_ATTRIBUTE, nodeId);
    defaultProperty(config, "hazelcast.logging.type", "slf4j");
    defaultProperty(config, "hazelcast.phone.home.enabled", "false");
    defaultProperty(config, "hazelcast.shutdownhook.enabled", "false"); // the node leaves the cluster itself
    // A node cut off past the heartbeat timeout comes back as a cluster of its own and routes on its
    // own copy until it merges: look for that every 5 s, not first after 300 s and then every 120 s.
    defaultProperty(config, "hazelcast.merge.first.run.delay.seconds", "5");
    defaultProperty(config, "hazelcast.merge.next.run.delay.seconds", "5");
    return config;
  }

  /**
   * Checks, before a node starts, that its Hazelcast file can be read, so that a bad one is a
   * configuration error like any other (one line, exit 2) and stops nothing running. Does nothing
   * for a standalone node. A relative path is read from the working directory, as the node will.
   *
   * @param configFile what the message calls the node's configuration file
   * @throws ConfigException naming {@code cluster.hazelcastConfig} when the file cannot be used
   */
  public static void check(NodeConfig config, String configFile) throws ConfigException {
    if (!config.cluster().clustered()) {
      return;
    }
    try {
      read(Path.of(config.cluster().hazelcastConfig()));
    } catch (IllegalArgumentException e) { // InvalidPathException too
      throw new ConfigException(configFile, CONFIG_KEY, e.getMessage(), e);
    }
  }

  /**
   * Reads the file as Hazelcast would, without starting anything.
   *
   * @throws IllegalArgumentException with a one-line reason when it cannot be used
   */
  public static Config read(Path file) {
    try {
      return Config.loadFromFile(file.toFile());
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("no such file " + file.toAbsolutePath());
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new IllegalArgumentException("not a Hazelcast configuration: " + file + ": " + message);
    }
  }

  private static void defaultProperty(Config config, String name, String value) {
    if (config.getProperty(name) == null && System.getProperty(name) == null) {
      config.setProperty(name, value);
    }
  }
}
