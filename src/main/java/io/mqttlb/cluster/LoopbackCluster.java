package io.mqttlb.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Hazelcast files for a tier whose members all run on 127.0.0.1, one file per member with its own
 * port (the demo with several nodes, {@code mqttlb tier write} and tests use them). The settings are
 * those of {@code cluster-config/hazelcast.yaml}: TCP-IP join, no multicast, fast join and failure
 * detection; what that file adds beyond them (merge policies and intervals, replicated-map settings)
 * every node adds itself when it loads a Hazelcast file.
 */
public final class LoopbackCluster {
  private LoopbackCluster() {}

  /** Writes {@code member-<i>.yaml} for each port into {@code dir}; returns the files in port order. */
  public static List<Path> writeConfigs(Path dir, String clusterName, List<Integer> ports) throws IOException {
    return writeConfigs(dir, "member-", clusterName, ports);
  }

  /** Writes {@code <filePrefix><i>.yaml} for each port into {@code dir}; returns the files in port order. */
  public static List<Path> writeConfigs(Path dir, String filePrefix, String clusterName, List<Integer> ports)
      throws IOException {
    String members = ports.stream().map(p -> "          - 127.0.0.1:" + p).collect(Collectors.joining("\n"));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      Path file = dir.resolve(filePrefix + (i + 1) + ".yaml");
      Files.writeString(file, """
          hazelcast:
            cluster-name: %s
            properties:
              hazelcast.phone.home.enabled: false
              hazelcast.logging.type: slf4j
              hazelcast.wait.seconds.before.join: 0
              hazelcast.max.wait.seconds.before.join: 0
              hazelcast.heartbeat.interval.seconds: 1
              hazelcast.max.no.heartbeat.seconds: 5
              hazelcast.socket.bind.any: false
            network:
              port:
                port: %d
                auto-increment: false
              join:
                auto-detection:
                  enabled: false
                multicast:
                  enabled: false
                tcp-ip:
                  enabled: true
                  connection-timeout-seconds: 1
                  member-list:
          %s
              interfaces:
                enabled: true
                interfaces:
                  - 127.0.0.1
            metrics:
              jmx:
                enabled: false
              management-center:
                enabled: false
          """.formatted(clusterName, ports.get(i), members));
      files.add(file);
    }
    return files;
  }
}
