package io.mqttlb.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one balancer node is configured with. Immutable; the lists are copies.
 *
 * <p>Invariants: at least one listener; listener names and broker ids unique; no two listeners
 * (nor a listener and the admin API) on the same fixed port of overlapping addresses. An empty
 * broker list is valid here (brokers can arrive through the admin API), but
 * {@link ConfigLoader} requires at least one for a standalone node.
 */
public record NodeConfig(String nodeId, List<ListenerConfig> listeners, AdminConfig admin, List<BrokerConfig> brokers,
                         RoutingConfig routing, HealthConfig health, LimitsConfig limits, ClusterConfig cluster) {
  public static final String DEFAULT_NODE_ID = "lb-1";

  private static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0");

  public NodeConfig {
    Require.id("nodeId", nodeId);
    listeners = List.copyOf(Require.nonNull("listeners", listeners));
    if (listeners.isEmpty()) {
      throw new InvalidFieldException("listeners", "must name at least one listener");
    }
    Require.nonNull("admin", admin);
    brokers = List.copyOf(Require.nonNull("brokers", brokers));
    Require.nonNull("routing", routing);
    Require.nonNull("health", health);
    Require.nonNull("limits", limits);
    Require.nonNull("cluster", cluster);

    Map<String, Integer> listenerNames = new HashMap<>();
    for (int i = 0; i < listeners.size(); i++) {
      Integer first = listenerNames.putIfAbsent(listeners.get(i).name(), i);
      if (first != null) {
        throw new InvalidFieldException("listeners[" + i + "].name",
            "'" + listeners.get(i).name() + "' is already the name of listeners[" + first + "]");
      }
      for (int j = 0; j < i; j++) {
        if (samePort(listeners.get(j).host(), listeners.get(j).port(), listeners.get(i).host(), listeners.get(i).port())) {
          throw new InvalidFieldException("listeners[" + i + "].port",
              listeners.get(i).port() + " is already used by listeners[" + j + "]");
        }
      }
    }
    for (int i = 0; i < listeners.size(); i++) {
      if (samePort(listeners.get(i).host(), listeners.get(i).port(), admin.host(), admin.port())) {
        throw new InvalidFieldException("admin.port", admin.port() + " is already used by listeners[" + i + "]");
      }
    }
    Map<String, Integer> brokerIds = new HashMap<>();
    for (int i = 0; i < brokers.size(); i++) {
      Integer first = brokerIds.putIfAbsent(brokers.get(i).id(), i);
      if (first != null) {
        throw new InvalidFieldException("brokers[" + i + "].id",
            "'" + brokers.get(i).id() + "' is already the id of brokers[" + first + "]");
      }
    }
  }

  /** Node {@code lb-1}, listener {@code tcp} on 0.0.0.0:1883, admin on 127.0.0.1:8080 without a token, no brokers. */
  public static NodeConfig defaults() {
    return new NodeConfig(DEFAULT_NODE_ID, List.of(ListenerConfig.defaults()), AdminConfig.defaults(), List.of(),
        RoutingConfig.defaults(), HealthConfig.defaults(), LimitsConfig.defaults(), ClusterConfig.standalone());
  }

  public NodeConfig withNodeId(String nodeId) {
    return new NodeConfig(nodeId, listeners, admin, brokers, routing, health, limits, cluster);
  }

  public NodeConfig withListeners(List<ListenerConfig> listeners) {
    return new NodeConfig(nodeId, listeners, admin, brokers, routing, health, limits, cluster);
  }

  public NodeConfig withAdmin(AdminConfig admin) {
    return new NodeConfig(nodeId, listeners, admin, brokers, routing, health, limits, cluster);
  }

  public NodeConfig withBrokers(List<BrokerConfig> brokers) {
    return new NodeConfig(nodeId, listeners, admin, brokers, routing, health, limits, cluster);
  }

  public NodeConfig withRouting(RoutingConfig routing) {
    return new NodeConfig(nodeId, listeners, admin, brokers, routing, health, limits, cluster);
  }

  public NodeConfig withHealth(HealthConfig health) {
    return new NodeConfig(nodeId, listeners, admin, brokers, routing, health, limits, cluster);
  }

  public NodeConfig withLimits(LimitsConfig limits) {
    return new NodeConfig(nodeId, listeners, admin, brokers, routing, health, limits, cluster);
  }

  public NodeConfig withCluster(ClusterConfig cluster) {
    return new NodeConfig(nodeId, listeners, admin, brokers, routing, health, limits, cluster);
  }

  // Port 0 is ephemeral and never clashes; a wildcard address overlaps every address.
  private static boolean samePort(String hostA, int portA, String hostB, int portB) {
    return portA != 0 && portA == portB
        && (hostA.equals(hostB) || WILDCARD_HOSTS.contains(hostA) || WILDCARD_HOSTS.contains(hostB));
  }
}
