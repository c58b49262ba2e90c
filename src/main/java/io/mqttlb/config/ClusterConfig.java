package io.mqttlb.config;

/** Clustering: the Hazelcast configuration file, or {@code null} to run standalone. */
public record ClusterConfig(String hazelcastConfig) {
  public ClusterConfig {
    if (hazelcastConfig != null) {
      Require.notBlank("hazelcastConfig", hazelcastConfig);
    }
  }

  public static ClusterConfig standalone() {
    return new ClusterConfig(null);
  }

  public boolean clustered() {
    return hazelcastConfig != null;
  }
}
