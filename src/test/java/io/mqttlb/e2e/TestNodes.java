package io.mqttlb.e2e;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.MosquittoBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Node configurations for end-to-end tests: loopback, ephemeral ports, short limits. */
final class TestNodes {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final int MAX_CONNECT_BYTES = 4096;

  private TestNodes() {
  }

  static List<BrokerConfig> brokerConfigs(List<MosquittoBroker> brokers) {
    List<BrokerConfig> configs = new ArrayList<>();
    for (MosquittoBroker broker : brokers) {
      configs.add(new BrokerConfig(broker.id(), "127.0.0.1", broker.port(), 1));
    }
    return configs;
  }

  static NodeConfig config(List<BrokerConfig> brokers) {
    return NodeConfig.defaults()
        .withNodeId("lb-test")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(brokers)
        .withLimits(new LimitsConfig(CONNECT_TIMEOUT, MAX_CONNECT_BYTES, 10_000, Duration.ofSeconds(1)));
  }

  static BalancerNode start(NodeConfig config) throws Exception {
    return BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  static void stop(BalancerNode node) throws Exception {
    if (node != null) {
      node.stop().await(30, TimeUnit.SECONDS);
    }
  }
}
