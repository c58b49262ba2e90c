package io.mqttlb.node;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.cluster.LoopbackCluster;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.ClusterConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.testing.Ports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose admin port is taken does not start, and says so to whoever awaits its start: the
 * failure arrives after Vert.x (and Hazelcast) closed, when none of the node's event loops is left to
 * carry it. Before the start path was made independent of those loops, the caller waited forever.
 */
class BalancerNodeStartFailureTest {
  @TempDir
  Path dir;

  @Test
  void aStandaloneNodeReportsThePortItCouldNotBind() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertStartFails(nodeWithAdminPort(taken.getLocalPort()), "admin: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void aClusteredNodeReportsThePortItCouldNotBindAfterLeavingTheCluster() throws Exception {
    Path hazelcast = LoopbackCluster.writeConfigs(dir, "mqttlb-start-failure-" + ProcessHandle.current().pid(),
        List.of(Ports.free())).get(0);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertStartFails(nodeWithAdminPort(taken.getLocalPort()).withCluster(new ClusterConfig(hazelcast.toString())),
          "admin: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  private static NodeConfig nodeWithAdminPort(int port) {
    return NodeConfig.defaults()
        .withNodeId("lb-start-failure")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", port, ""));
  }

  private static void assertStartFails(NodeConfig config, String expected) {
    Exception failure = assertThrows(Exception.class,
        () -> BalancerNode.start(config).await(60, TimeUnit.SECONDS).stop().await(30, TimeUnit.SECONDS));
    assertTrue(String.valueOf(failure.getMessage()).contains(expected), failure.toString());
  }
}
