package io.mqttlb.cli;

import io.mqttlb.cluster.LoopbackCluster;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ClusterConfig;
import io.mqttlb.config.Durations;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.demo.EmbeddedBroker;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.node.FreePort;
import io.mqttlb.routing.RouteDecision;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqttlb demo}: embedded brokers and balancer nodes in one process, needing nothing but Java.
 * Each broker holds a retained message on {@code mqttlb/broker} naming itself, so a client can see
 * where it landed. With several nodes they form a real Hazelcast cluster on loopback, so a mode
 * switch, a broker change or an override made through one node applies on all of them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run embedded MQTT brokers and balancer nodes in one process.")
final class DemoCommand implements Callable<Integer> {
  private static final List<String> SAMPLE_CLIENTS = List.of("sensor-1", "sensor-2", "sensor-3", "truck-17", "meter-0042");

  @Option(names = "--brokers", defaultValue = "3", description = "Embedded brokers (default ${DEFAULT-VALUE}).")
  int brokers;

  @Option(names = "--nodes", defaultValue = "1", description = "Balancer nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--duration", paramLabel = "D", description = "Stop after this long (e.g. 30s, 10m); default: until Ctrl-C.")
  String duration;

  @Option(names = "--port", defaultValue = "1883", description = "MQTT port of the first node (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--admin-port", defaultValue = "8080", description = "Admin port of the first node (default ${DEFAULT-VALUE}; 0 = any free port).")
  int adminPort;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (brokers < 1 || brokers > 64 || nodes < 1 || nodes > 16) {
      System.err.println("mqttlb: demo: --brokers must be 1..64 and --nodes 1..16");
      return Main.EXIT_USAGE;
    }
    Duration runFor = null;
    if (duration != null) {
      try {
        runFor = Durations.parse(duration);
      } catch (IllegalArgumentException e) {
        System.err.println("mqttlb: demo: --duration: " + e.getMessage());
        return Main.EXIT_USAGE;
      }
    }
    List<EmbeddedBroker> embedded = new ArrayList<>();
    List<BalancerNode> started = new ArrayList<>();
    try {
      List<BrokerConfig> brokerConfigs = new ArrayList<>();
      for (int i = 1; i <= brokers; i++) {
        EmbeddedBroker broker = EmbeddedBroker.start("b" + i);
        embedded.add(broker);
        brokerConfigs.add(new BrokerConfig(broker.id(), broker.host(), broker.port(), 1));
      }
      List<Path> hazelcastFiles = nodes == 1 ? List.of() : clusterFiles(nodes);
      List<Future<BalancerNode>> starting = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        NodeConfig config = NodeConfig.defaults()
            .withNodeId("lb-" + (i + 1))
            .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", port == 0 ? 0 : port + i)))
            .withAdmin(new AdminConfig("127.0.0.1", adminPort == 0 ? 0 : adminPort + i, ""))
            .withBrokers(brokerConfigs);
        if (nodes > 1) {
          config = config.withCluster(new ClusterConfig(hazelcastFiles.get(i).toString()));
        }
        starting.add(BalancerNode.start(config, "the demo"));
      }
      try {
        Future.join(starting).await(90, TimeUnit.SECONDS);
      } finally {
        starting.stream().filter(Future::succeeded).map(Future::result).forEach(started::add); // node order
      }
    } catch (Exception e) {
      System.err.println("mqttlb: demo did not start: " + e.getMessage()
          + (e.getMessage() != null && e.getMessage().contains("in use") ? " (pick other ports with --port and --admin-port)" : ""));
      stopAll(started, embedded);
      return Main.EXIT_FAILURE;
    }
    printWelcome(out, embedded, started);
    Runnable stop = () -> stopAll(started, embedded);
    if (runFor != null) {
      Thread.sleep(runFor.toMillis());
      stop.run();
      out.println("demo stopped after " + Durations.format(runFor));
      return Main.EXIT_OK;
    }
    NodeCommand.runUntilShutdown(() -> {
      stop.run();
      return Future.succeededFuture();
    });
    return Main.EXIT_OK;
  }

  /** Hazelcast files for the demo's nodes: loopback, free ports, deleted when the JVM exits. */
  private static List<Path> clusterFiles(int count) throws IOException {
    Path dir = Files.createTempDirectory("mqttlb-demo-");
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(FreePort.on("127.0.0.1"));
    }
    List<Path> files = LoopbackCluster.writeConfigs(dir, "mqttlb-demo-" + ProcessHandle.current().pid(), ports);
    files.forEach(file -> file.toFile().deleteOnExit());
    dir.toFile().deleteOnExit();
    return files;
  }

  private static void printWelcome(PrintStream out, List<EmbeddedBroker> brokers, List<BalancerNode> nodes) {
    out.println("mqttlb demo: " + brokers.size() + " embedded broker(s) (Moquette), " + nodes.size() + " balancer node(s)"
        + (nodes.size() > 1 ? " clustered through Hazelcast on loopback" : ""));
    for (EmbeddedBroker broker : brokers) {
      out.printf("  broker %-4s %s:%d%n", broker.id(), broker.host(), broker.port());
    }
    for (BalancerNode node : nodes) {
      out.printf("  node   %-5s mqtt://127.0.0.1:%d   admin http://127.0.0.1:%d  (/health, /metrics, /api/v1/status)%n",
          node.config().nodeId(), node.port(), node.adminPort());
    }
    out.println("where sample clients go (every node agrees):");
    for (String clientId : SAMPLE_CLIENTS) {
      RouteDecision decision = nodes.get(0).router().route(clientId, null, null);
      out.printf("  %-11s -> %s%n", clientId, decision.broker().id());
    }
    int port = nodes.get(0).port();
    out.println("try it: mosquitto_sub -h 127.0.0.1 -p " + port + " -i sensor-1 -t " + EmbeddedBroker.MARKER_TOPIC + " -C 1");
    out.println("        curl 'http://127.0.0.1:" + nodes.get(0).adminPort() + "/api/v1/route?clientId=sensor-1'");
    out.println("Ctrl-C stops the demo.");
    out.flush();
  }

  private static void stopAll(List<BalancerNode> nodes, List<EmbeddedBroker> brokers) {
    for (BalancerNode node : nodes) {
      try {
        node.stop().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("mqttlb: demo: stopping " + node.config().nodeId() + ": " + e.getMessage());
      }
    }
    for (EmbeddedBroker broker : brokers) {
      broker.close();
    }
  }
}
