package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.config.LimitsConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code limits.maxConnections}: sockets beyond it are closed at accept and counted; freed slots are reused. */
@EndToEnd
class ConnectionLimitEndToEndTest {
  private static final int MAX_CONNECTIONS = 3;
  private static LocalTier tier;
  private static BalancerNode node;

  @BeforeAll
  static void startTier() throws Exception {
    tier = LocalTier.start(1, config -> config
        .withLimits(new LimitsConfig(Duration.ofSeconds(20), 4096, MAX_CONNECTIONS, Duration.ofSeconds(1))));
    node = tier.node;
  }

  @AfterAll
  static void stopTier() throws Exception {
    tier.close();
  }

  @Test
  void socketsBeyondTheLimitAreClosedAtOnce() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        idle.add(new Socket(InetAddress.getLoopbackAddress(), node.port()));
      }
      awaitClients(MAX_CONNECTIONS);
      try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
        extra.setSoTimeout(5000);
        assertEquals(-1, extra.getInputStream().read(), "the socket over the limit is closed");
      }
      assertEquals(1.0, node.metrics().rejectedCount(Metrics.REASON_MAX_CONNECTIONS));
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
    awaitClients(0);
    assertEquals("b1", Clients.brokerReachedMqtt3("after-the-limit", node.port()));
  }

  private static void awaitClients(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (node.metrics().clientsActive() != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, node.metrics().clientsActive(), "clients counted by the node");
  }
}
