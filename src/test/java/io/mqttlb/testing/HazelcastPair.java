package io.mqttlb.testing;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.mqttlb.cluster.HazelcastSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Two Hazelcast members in this JVM, joined over TCP on loopback free ports and configured the way
 * nodes configure them ({@link HazelcastSetup}, with the node ids {@code lb-1} and {@code lb-2}).
 * For in-process tests of the shared state; the tests with nodes as separate processes are the
 * {@code *IT} classes.
 */
public record HazelcastPair(HazelcastInstance first, HazelcastInstance second) {

  /** Starts both members side by side and returns once each sees the other. */
  public static HazelcastPair start(Path dir, String clusterName) throws Exception {
    int port1 = Ports.free();
    int port2 = Ports.free();
    String cluster = clusterName + "-" + port1;
    List<String> members = List.of("127.0.0.1:" + port1, "127.0.0.1:" + port2);
    Path file1 = writeConfig(dir.resolve("hazelcast-1.yaml"), cluster, port1, members);
    Path file2 = writeConfig(dir.resolve("hazelcast-2.yaml"), cluster, port2, members);
    CompletableFuture<HazelcastInstance> a = CompletableFuture.supplyAsync(
        () -> Hazelcast.newHazelcastInstance(HazelcastSetup.load(file1, "lb-1")));
    CompletableFuture<HazelcastInstance> b = CompletableFuture.supplyAsync(
        () -> Hazelcast.newHazelcastInstance(HazelcastSetup.load(file2, "lb-2")));
    HazelcastPair pair = new HazelcastPair(a.get(), b.get());
    Await.until("two members", () -> pair.first().getCluster().getMembers().size() == 2);
    return pair;
  }

  /** Writes the configuration of a third member that joins this pair (on a free port of its own). */
  public Path configForJoiner(Path file) throws IOException {
    List<String> members = new ArrayList<>(
        first.getConfig().getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    int port = Ports.free();
    members.add("127.0.0.1:" + port);
    return writeConfig(file, first.getConfig().getClusterName(), port, members);
  }

  private static Path writeConfig(Path file, String clusterName, int ownPort, List<String> members) throws IOException {
    Files.writeString(file, """
        hazelcast:
          cluster-name: %s
          properties:
            hazelcast.wait.seconds.before.join: 0
            hazelcast.max.wait.seconds.before.join: 0
            hazelcast.socket.bind.any: false
          network:
            port: {port: %d, auto-increment: false}
            join:
              auto-detection: {enabled: false}
              multicast: {enabled: false}
              tcp-ip:
                enabled: true
                member-list: [%s]
            interfaces: {enabled: true, interfaces: [127.0.0.1]}
        """.formatted(clusterName, ownPort, String.join(", ", members)));
    return file;
  }
}
