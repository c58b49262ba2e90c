package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.Ports;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker that is down when a client connects: the node tries the next broker clockwise on the
 * ring, and the client lands there.
 */
@EndToEnd
class RedispatchEndToEndTest {
  private static LocalTier tier;
  private static Socket deadBroker;

  @BeforeAll
  static void startTier() throws Exception {
    // b4 is configured but nothing listens on its port: every connect to it is refused.
    deadBroker = Ports.refusing();
    tier = LocalTier.start(3, config -> {
      List<BrokerConfig> brokers = new ArrayList<>(config.brokers());
      brokers.add(new BrokerConfig("b4", "127.0.0.1", deadBroker.getLocalPort(), 1));
      return config.withBrokers(brokers);
    });
  }

  @AfterAll
  static void stopTier() throws Exception {
    try {
      tier.close();
    } finally {
      deadBroker.close();
    }
  }

  @Test
  void clientOfADeadBrokerIsRedispatchedToItsRingSuccessor() {
    List<String> clientsOfB4 = new ArrayList<>();
    for (int i = 0; clientsOfB4.size() < 5; i++) {
      if (tier.ringOwner("orphan-" + i).equals("b4")) {
        clientsOfB4.add("orphan-" + i);
      }
    }
    for (String clientId : clientsOfB4) {
      assertEquals(tier.ringOwnerWithout(clientId, "b4"), Clients.brokerReachedMqtt3(clientId, tier.port()),
          "client " + clientId);
    }
    assertTrue(tier.node.metrics().broker("b4").redispatchCount() >= 1, "the redispatch is counted");
    assertEquals(0, tier.node.metrics().broker("b4").total(), "nothing ever connected to b4");
  }
}
