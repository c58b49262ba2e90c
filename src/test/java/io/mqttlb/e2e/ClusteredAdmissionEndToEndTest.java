package io.mqttlb.e2e;

import static io.mqttlb.e2e.MovesEndToEndTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.InJvmTier;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker's connect-rate cap across two clustered nodes in this JVM (Hazelcast on loopback): each
 * node paces half of it; a cap changed through one node reaches the other with the broker; when a
 * node leaves, the one left takes the whole cap.
 */
@EndToEnd
class ClusteredAdmissionEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void eachNodePacesItsShareOfTheCapAsTheCapAndTheMembershipChange() throws Exception {
    try (InJvmTier tier = InJvmTier.start(dir, 2, 1, config -> config.withBrokers(
        config.brokers().stream().map(broker -> broker.withMaxConnectRate(200)).toList()))) {
      BalancerNode one = tier.node(1);
      BalancerNode two = tier.node(2);

      Await.until("each of two nodes paces half of 200/s", () -> rate(one) == 100 && rate(two) == 100);

      assertEquals(400, put(one, "/api/v1/brokers/b1",
          "{\"address\":\"127.0.0.1:" + tier.broker(1).port() + "\",\"maxConnectRate\":400}").getInteger("maxConnectRate"));
      Await.until("the other node follows the new cap", () -> rate(two) == 200);
      assertEquals(200.0, rate(one));

      tier.stop(two);
      Await.until("the node left alone takes the whole cap", () -> rate(one) == 400);
    }
  }

  private static double rate(BalancerNode node) {
    return node.metrics().admission("b1").rate();
  }
}
