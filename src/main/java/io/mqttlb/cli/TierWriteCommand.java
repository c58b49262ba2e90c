package io.mqttlb.cli;

import io.mqttlb.cluster.HazelcastSetup;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ConfigException;
import io.mqttlb.config.ConfigLoader;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.node.FreePort;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mqttlb tier write}: the files of a tier whose nodes all run on 127.0.0.1, for scripts that
 * start one (cluster-config/run-local-tier.sh, loadtest/compare.sh, the quick measurements) and for
 * a person who wants one in front of brokers of their own. Port 0 picks a free port. Prints one line
 * per node, {@code ID MQTT-PORT ADMIN-PORT HAZELCAST-PORT NODE-FILE} ({@code -} for the Hazelcast
 * port of a standalone node), so that a script can {@code read} the ports it did not choose.
 */
@Command(name = "write", mixinStandardHelpOptions = true,
    description = "Write node-N.yaml (and hazelcast-N.yaml) for nodes on 127.0.0.1 in front of the given brokers;"
        + " print ID MQTT-PORT ADMIN-PORT HAZELCAST-PORT NODE-FILE per node.")
final class TierWriteCommand implements Callable<Integer> {
  static final int MAX_NODES = 16;
  static final int DEFAULT_MQTT_PORT = 1883;
  static final int DEFAULT_ADMIN_PORT = 8080;
  static final int DEFAULT_HAZELCAST_PORT = 5701;
  static final String DEFAULT_CLUSTER_NAME = "mqttlb-local";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @Option(names = "--nodes", defaultValue = "3", paramLabel = "N", description = "Nodes, 1..16 (default ${DEFAULT-VALUE}); one node is standalone unless --cluster.")
  int nodes;

  @Option(names = "--brokers", required = true, split = ",", paramLabel = "ID=HOST:PORT",
      description = "The brokers behind every node, e.g. b1=127.0.0.1:1981,b2=127.0.0.1:1982.")
  List<String> brokers;

  @Option(names = "--mqtt-ports", split = ",", paramLabel = "PORT",
      description = "MQTT port of each node, or of the first (the others count up from it); 0 = a free port. Default 1883.")
  List<String> mqttPorts;

  @Option(names = "--admin-ports", split = ",", paramLabel = "PORT",
      description = "Admin API port of each node, or of the first; 0 = a free port. Default 8080.")
  List<String> adminPorts;

  @Option(names = "--hazelcast-ports", split = ",", paramLabel = "PORT",
      description = "Hazelcast port of each node, or of the first; 0 = a free port. Default 5701.")
  List<String> hazelcastPorts;

  @Option(names = "--cluster", description = "Give a single node a Hazelcast cluster of its own (more nodes always form one).")
  boolean cluster;

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "Hazelcast cluster name (default " + DEFAULT_CLUSTER_NAME + ").")
  String clusterName;

  @Option(names = "--mode", defaultValue = "hash", paramLabel = "hash|table", description = "Routing mode (default ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--token-env", paramLabel = "NAME",
      description = "Nodes read their admin token from this environment variable when they start (none: no token).")
  String tokenEnv;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the files (created if missing).")
  Path out;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    LocalTier tier;
    try {
      tier = plan();
    } catch (IllegalArgumentException e) {
      err.println("mqttlb: tier write: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (IOException e) {
      err.println("mqttlb: tier write: cannot pick a free port on " + LocalTier.HOST + ": " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
    List<Path> files;
    try {
      files = LocalTierFiles.write(tier, out);
      for (Path file : files) {
        // What was written must start a node: the same check the node command makes.
        NodeConfig config = ConfigLoader.load(file);
        HazelcastSetup.check(config, file.toString());
      }
    } catch (IOException e) {
      err.println("mqttlb: tier write: cannot write into " + out + ": " + e.getMessage());
      return Main.EXIT_FAILURE;
    } catch (ConfigException e) {
      err.println("mqttlb: tier write: wrote a file no node would start from: " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
    PrintWriter stdout = spec.commandLine().getOut();
    for (int i = 0; i < files.size(); i++) {
      LocalTier.Node node = tier.nodes().get(i);
      stdout.println(node.id() + " " + node.mqttPort() + " " + node.adminPort() + " "
          + (tier.clustered() ? String.valueOf(node.hazelcastPort()) : "-") + " " + files.get(i));
    }
    stdout.flush();
    return Main.EXIT_OK;
  }

  /** The tier the options describe, with every port chosen. */
  LocalTier plan() throws IOException {
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException("--nodes must be 1.." + MAX_NODES + ", not " + nodes);
    }
    boolean clustered = nodes > 1 || cluster;
    if (!clustered && (hazelcastPorts != null || clusterName != null)) {
      throw new IllegalArgumentException((hazelcastPorts != null ? "--hazelcast-ports" : "--cluster-name")
          + ": a single node is standalone; add --cluster to give it Hazelcast");
    }
    String name = clusterName == null ? DEFAULT_CLUSTER_NAME : clusterName;
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("--cluster-name must be 1 to 64 letters, digits, '.', '_' or '-', not \"" + name + "\"");
    }
    if (tokenEnv != null && !ENV_NAME.matcher(tokenEnv).matches()) {
      throw new IllegalArgumentException("--token-env must be an environment variable name, not \"" + tokenEnv + "\"");
    }
    RoutingMode routing;
    try {
      routing = RoutingMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--mode: " + e.getMessage(), e);
    }
    List<BrokerConfig> brokerConfigs = parseBrokers(brokers);
    List<Integer> mqtt = PortList.expand("--mqtt-ports", mqttPorts, DEFAULT_MQTT_PORT, nodes);
    List<Integer> admin = PortList.expand("--admin-ports", adminPorts, DEFAULT_ADMIN_PORT, nodes);
    List<Integer> hazelcast = clustered
        ? PortList.expand("--hazelcast-ports", hazelcastPorts, DEFAULT_HAZELCAST_PORT, nodes)
        : List.of();

    // Every port given is taken once; a free port is then picked for each 0 that none of them is.
    Set<Integer> taken = new HashSet<>();
    brokerConfigs.stream().filter(b -> isLoopback(b.host())).forEach(b -> taken.add(b.port()));
    Map<String, List<Integer>> given = new LinkedHashMap<>();
    given.put("--mqtt-ports", mqtt);
    given.put("--admin-ports", admin);
    given.put("--hazelcast-ports", hazelcast);
    for (Map.Entry<String, List<Integer>> option : given.entrySet()) {
      for (int port : option.getValue()) {
        if (port != 0 && !taken.add(port)) {
          throw new IllegalArgumentException(option.getKey() + ": port " + port
              + " is given twice (or is a broker's port on this machine)");
        }
      }
    }
    List<LocalTier.Node> planned = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      planned.add(new LocalTier.Node("lb-" + (i + 1), chosen(mqtt.get(i), taken), chosen(admin.get(i), taken),
          clustered ? chosen(hazelcast.get(i), taken) : 0));
    }
    return new LocalTier(planned, brokerConfigs, routing, clustered ? name : null, tokenEnv);
  }

  static List<BrokerConfig> parseBrokers(List<String> items) {
    List<BrokerConfig> parsed = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--brokers: \"" + item + "\" is not ID=HOST:PORT");
      }
      String id = item.substring(0, eq);
      BrokerConfig broker;
      try {
        broker = BrokerConfig.of(id, item.substring(eq + 1), BrokerConfig.DEFAULT_WEIGHT);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--brokers: " + id + ": " + e.getMessage(), e);
      }
      if (!ids.add(id)) {
        throw new IllegalArgumentException("--brokers: broker " + id + " is listed twice");
      }
      parsed.add(broker);
    }
    return parsed;
  }

  private static int chosen(int port, Set<Integer> taken) throws IOException {
    if (port != 0) {
      return port;
    }
    int free;
    do {
      free = FreePort.on(LocalTier.HOST);
    } while (!taken.add(free));
    return free;
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.");
  }

  /** A port option's values: one per node, or the first node's (the others count up from it). */
  static final class PortList {
    private PortList() {}

    static List<Integer> expand(String option, List<String> values, int defaultFirst, int nodes) {
      List<String> given = values == null ? List.of(String.valueOf(defaultFirst)) : values;
      List<Integer> ports = new ArrayList<>();
      for (String value : given) {
        int port;
        try {
          port = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(option + ": \"" + value + "\" is not a port number");
        }
        if (port < 0 || port > ListenerConfig.MAX_PORT) {
          throw new IllegalArgumentException(option + ": " + port + " is not a port (0 = a free one, else 1.." + ListenerConfig.MAX_PORT + ")");
        }
        ports.add(port);
      }
      if (ports.size() == nodes) {
        return ports;
      }
      if (ports.size() != 1) {
        throw new IllegalArgumentException(option + ": " + ports.size() + " ports for " + nodes
            + " nodes; give one per node, or the first one");
      }
      int first = ports.get(0);
      if (first != 0 && first + nodes - 1 > ListenerConfig.MAX_PORT) {
        throw new IllegalArgumentException(option + ": counting up from " + first + " for " + nodes + " nodes passes " + ListenerConfig.MAX_PORT);
      }
      List<Integer> counted = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        counted.add(first == 0 ? 0 : first + i);
      }
      return counted;
    }
  }
}
