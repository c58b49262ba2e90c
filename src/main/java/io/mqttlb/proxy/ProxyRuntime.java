package io.mqttlb.proxy;

import io.mqttlb.cluster.TierState;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.mqtt.ConnectParser;
import io.mqttlb.routing.Router;

/**
 * What every listener verticle of a node shares: the router, the limits, the metrics, the node's
 * broker suspicions and the tier's shared state (for sticky writes). All members are thread-safe.
 */
public record ProxyRuntime(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion,
                           TierState state, ConnectParser parser) {

  public static ProxyRuntime of(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion,
                                TierState state) {
    return new ProxyRuntime(router, limits, metrics, suspicion, state, new ConnectParser(limits.maxConnectBytes()));
  }
}
