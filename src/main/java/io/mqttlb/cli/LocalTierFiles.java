package io.mqttlb.cli;

import io.mqttlb.cluster.LoopbackCluster;
import io.mqttlb.config.BrokerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link LocalTier} as files a node starts from: {@code node-<i>.yaml} for each node and,
 * for a clustered tier, {@code hazelcast-<i>.yaml} beside it (from {@link LoopbackCluster}). The
 * node files name their Hazelcast files by absolute path, so a node can be started from anywhere.
 */
final class LocalTierFiles {
  private LocalTierFiles() {}

  /** Writes the files into {@code dir} (created if missing); returns the node files in node order. */
  static List<Path> write(LocalTier tier, Path dir) throws IOException {
    Path out = Files.createDirectories(dir).toAbsolutePath();
    List<Path> hazelcastFiles = List.of();
    if (tier.clustered()) {
      List<Integer> ports = tier.nodes().stream().map(LocalTier.Node::hazelcastPort).toList();
      hazelcastFiles = LoopbackCluster.writeConfigs(out, "hazelcast-", tier.clusterName(), ports);
    }
    List<Path> nodeFiles = new ArrayList<>();
    for (int i = 0; i < tier.nodes().size(); i++) {
      Path file = out.resolve("node-" + (i + 1) + ".yaml");
      Files.writeString(file, nodeYaml(tier, tier.nodes().get(i), file, tier.clustered() ? hazelcastFiles.get(i) : null));
      nodeFiles.add(file);
    }
    return nodeFiles;
  }

  /** Block-style YAML with every key spelled out, so that a reader can compare it with cluster-config/node-1.yaml. */
  static String nodeYaml(LocalTier tier, LocalTier.Node node, Path file, Path hazelcastFile) {
    StringBuilder yaml = new StringBuilder()
        .append("# Node ").append(node.id()).append(" of a local tier, written by mqttlb tier write.\n")
        .append("#   java -jar target/mqttlb.jar node --config ").append(file).append('\n')
        .append("node:\n  id: ").append(node.id()).append('\n')
        .append("listeners:\n  - name: tcp\n    host: ").append(LocalTier.HOST)
        .append("\n    port: ").append(node.mqttPort()).append('\n')
        .append("admin:\n  host: ").append(LocalTier.HOST).append("\n  port: ").append(node.adminPort()).append('\n');
    if (tier.tokenEnv() != null) {
      // Read when the node starts: the token never lands in the file; unset or empty means no token.
      yaml.append("  token: ${").append(tier.tokenEnv()).append(":-}\n");
    }
    yaml.append("brokers:\n");
    for (BrokerConfig broker : tier.brokers()) {
      yaml.append("  - id: ").append(quoted(broker.id())).append("\n    address: ").append(quoted(broker.address())).append('\n');
    }
    yaml.append("routing:\n  mode: ").append(tier.mode().label()).append('\n');
    if (hazelcastFile != null) {
      yaml.append("cluster:\n  hazelcastConfig: ").append(quoted(hazelcastFile.toString())).append('\n');
    }
    return yaml.toString();
  }

  /** A YAML single-quoted scalar: no escapes but the quote itself, which is doubled. */
  private static String quoted(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
