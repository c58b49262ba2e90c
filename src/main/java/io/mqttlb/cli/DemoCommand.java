package io.mqttlb.cli;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.Durations;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.demo.EmbeddedBroker;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.RouteDecision;
import io.vertx.core.Future;
import java.io.PrintStream;
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
 * where it landed. Every node routes with the same ring, so any node sends a client to the same
 * broker even without clustering (hash mode keeps no state).
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
      for (int i = 0; i < nodes; i++) {
        NodeConfig config = NodeConfig.defaults()
            .withNodeId("lb-" + (i + 1))
            .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", port == 0 ? 0 : port + i)))
            .withAdmin(new AdminConfig("127.0.0.1", adminPort == 0 ? 0 : adminPort + i, ""))
            .withBrokers(brokerConfigs);
        started.add(BalancerNode.start(config).await(30, TimeUnit.SECONDS));
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

  private static void printWelcome(PrintStream out, List<EmbeddedBroker> brokers, List<BalancerNode> nodes) {
    out.println("mqttlb demo: " + brokers.size() + " embedded broker(s) (Moquette), " + nodes.size() + " balancer node(s)");
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
