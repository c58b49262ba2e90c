package io.mqttlb.testing;

import io.mqttlb.cluster.LoopbackCluster;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ClusterConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Real Mosquitto brokers {@code b1..bN} and nodes {@code lb-1..lb-M} in this JVM, clustered through
 * Hazelcast on loopback free ports (the tests with nodes as separate processes are the {@code *IT}
 * classes). Each node listens for clients and for admin calls on ephemeral ports and is configured
 * with every broker; a test changes that per node through {@code customize}. {@link #close} stops the
 * nodes still running, then the brokers.
 */
public final class InJvmTier implements AutoCloseable {
  private static final long START_SECONDS = 90;
  private static final long STOP_SECONDS = 30;

  private final List<MosquittoBroker> brokers;
  private final List<BalancerNode> nodes;
  private final List<BalancerNode> running;

  private InJvmTier(List<MosquittoBroker> brokers, List<BalancerNode> nodes) {
    this.brokers = List.copyOf(brokers);
    this.nodes = List.copyOf(nodes);
    this.running = new ArrayList<>(nodes);
  }

  /**
   * Starts {@code brokerCount} brokers and {@code nodeCount} clustered nodes side by side, and
   * returns once every node sees every other as a member.
   *
   * @param dir where the nodes' Hazelcast files are written (a test's temporary folder)
   * @param customize changes to a node's configuration, which names every broker and its node id
   *     when it is called (TLS, a token, a broker subset, health timings, ...)
   */
  public static InJvmTier start(Path dir, int nodeCount, int brokerCount, UnaryOperator<NodeConfig> customize)
      throws Exception {
    List<MosquittoBroker> brokers = new ArrayList<>();
    List<Future<BalancerNode>> starting = new ArrayList<>();
    try {
      List<BrokerConfig> configs = new ArrayList<>();
      for (int i = 1; i <= brokerCount; i++) {
        MosquittoBroker broker = MosquittoBroker.start("b" + i);
        brokers.add(broker);
        configs.add(new BrokerConfig(broker.id(), "127.0.0.1", broker.port(), 1));
      }
      List<Integer> hazelcastPorts = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        hazelcastPorts.add(Ports.free());
      }
      List<Path> files = LoopbackCluster.writeConfigs(dir, "mqttlb-test-" + ProcessHandle.current().pid()
          + "-" + hazelcastPorts.get(0), hazelcastPorts);
      for (int i = 0; i < nodeCount; i++) {
        starting.add(BalancerNode.start(customize.apply(NodeConfig.defaults()
            .withNodeId("lb-" + (i + 1))
            .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
            .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
            .withBrokers(configs)
            .withCluster(new ClusterConfig(files.get(i).toString())))));
      }
      // Joined, not all: every start has ended, so a node that started is stopped below when another failed.
      Future.join(starting).await(START_SECONDS, TimeUnit.SECONDS);
      List<BalancerNode> nodes = starting.stream().map(Future::result).toList();
      Await.until(nodeCount + " nodes see each other",
          () -> nodes.stream().allMatch(node -> node.state().members().size() == nodeCount));
      return new InJvmTier(brokers, nodes);
    } catch (Exception | Error e) {
      starting.stream().filter(Future::succeeded).map(Future::result).forEach(InJvmTier::stopQuietly);
      brokers.forEach(MosquittoBroker::close);
      throw e;
    }
  }

  /** Node {@code lb-<number>}, counting from 1. */
  public BalancerNode node(int number) {
    return nodes.get(number - 1);
  }

  /** Broker {@code b<number>}, counting from 1. */
  public MosquittoBroker broker(int number) {
    return brokers.get(number - 1);
  }

  /** Stops a node now (it leaves the tier); {@link #close} then leaves it alone. */
  public void stop(BalancerNode node) throws Exception {
    running.remove(node);
    node.stop().await(STOP_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      for (BalancerNode node : List.copyOf(running)) {
        stop(node);
      }
    } finally {
      brokers.forEach(MosquittoBroker::close);
    }
  }

  private static void stopQuietly(BalancerNode node) {
    try {
      node.stop().await(STOP_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the start failed already: that failure is the one to report
    }
  }
}
