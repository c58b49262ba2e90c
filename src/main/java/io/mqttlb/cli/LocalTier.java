package io.mqttlb.cli;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.RoutingMode;
import java.util.List;

/**
 * What {@code mqttlb tier write} writes: nodes on 127.0.0.1 with their ports (all chosen, none 0),
 * in front of the same brokers, in one routing mode. {@code clusterName} is null for a standalone
 * node (no Hazelcast); {@code tokenEnv}, when not null, names the environment variable the nodes
 * read their admin token from when they start.
 */
record LocalTier(List<Node> nodes, List<BrokerConfig> brokers, RoutingMode mode, String clusterName, String tokenEnv) {
  static final String HOST = "127.0.0.1";

  LocalTier {
    nodes = List.copyOf(nodes);
    brokers = List.copyOf(brokers);
  }

  boolean clustered() {
    return clusterName != null;
  }

  /** One node: its id and ports; {@code hazelcastPort} is 0 for a standalone node. */
  record Node(String id, int mqttPort, int adminPort, int hazelcastPort) {}
}
