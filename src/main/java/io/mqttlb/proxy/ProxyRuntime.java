package io.mqttlb.proxy;

import io.mqttlb.config.LimitsConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.mqtt.ConnectParser;
import io.mqttlb.routing.Router;

/**
 * What every listener verticle of a node shares: the router, the limits, the metrics and the
 * node's broker suspicions. All members are thread-safe.
 */
public record ProxyRuntime(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion,
                           ConnectParser parser) {

  public static ProxyRuntime of(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion) {
    return new ProxyRuntime(router, limits, metrics, suspicion, new ConnectParser(limits.maxConnectBytes()));
  }
}
