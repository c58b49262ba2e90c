package io.mqttlb.cli;

import io.mqttlb.cluster.HazelcastSetup;
import io.mqttlb.config.ConfigException;
import io.mqttlb.config.ConfigLoader;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mqttlb node --config FILE}: one balancer node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run one balancer node in the foreground.")
final class NodeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "Node configuration (YAML).")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    NodeConfig nodeConfig;
    try {
      nodeConfig = ConfigLoader.load(config);
      HazelcastSetup.check(nodeConfig, config.toString());
    } catch (ConfigException e) {
      System.err.println("mqttlb: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    BalancerNode node;
    try {
      node = BalancerNode.start(nodeConfig, config.toString()).await(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("mqttlb: node " + nodeConfig.nodeId() + " did not start: " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
    runUntilShutdown(node::stop);
    return Main.EXIT_OK;
  }

  /**
   * Blocks until the JVM is asked to stop (SIGTERM, SIGINT), then runs {@code stop} inside the
   * shutdown hook and waits for it, so that the process exits only after a graceful stop.
   */
  static void runUntilShutdown(Stoppable stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stop.stop().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("mqttlb: stop: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "mqttlb-shutdown"));
    stopped.await();
  }

  @FunctionalInterface
  interface Stoppable {
    io.vertx.core.Future<?> stop();
  }
}
