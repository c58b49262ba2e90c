package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.HashRing;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RingMember;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker that is down when a client connects: the node tries the next broker clockwise on the
 * ring, and the client lands there.
 */
class RedispatchEndToEndTest {
  private static final List<MosquittoBroker> brokers = new ArrayList<>();
  private static BalancerNode node;
  private static HashRing ring;

  @BeforeAll
  static void startTier() throws Exception {
    for (String id : List.of("b1", "b2", "b3")) {
      brokers.add(MosquittoBroker.start(id));
    }
    List<BrokerConfig> configs = new ArrayList<>(TestNodes.brokerConfigs(brokers));
    // b4 is configured but nothing listens on its port: every connect to it is refused.
    configs.add(new BrokerConfig("b4", "127.0.0.1", Ports.free(), 1));
    node = TestNodes.start(TestNodes.config(configs));
    ring = HashRing.build(List.of(new RingMember("b1", 1), new RingMember("b2", 1), new RingMember("b3", 1),
        new RingMember("b4", 1)), HashRing.DEFAULT_VIRTUAL_NODES);
  }

  @AfterAll
  static void stopTier() throws Exception {
    TestNodes.stop(node);
    brokers.forEach(MosquittoBroker::close);
  }

  @Test
  void clientOfADeadBrokerIsRedispatchedToItsRingSuccessor() {
    int dead = ring.indexOf("b4");
    List<String> clientsOfB4 = new ArrayList<>();
    for (int i = 0; clientsOfB4.size() < 5; i++) {
      String clientId = "orphan-" + i;
      if (ring.lookup(RingHash.hashKey(clientId)) == dead) {
        clientsOfB4.add(clientId);
      }
    }
    for (String clientId : clientsOfB4) {
      String successor = ring.memberId(ring.lookup(RingHash.hashKey(clientId), i -> i != dead));
      assertEquals(successor, Clients.brokerReachedMqtt3(clientId, node.port()), "client " + clientId);
    }
    assertTrue(node.metrics().broker("b4").redispatchCount() >= 1, "the redispatch is counted");
    assertTrue(node.metrics().broker("b4").total() == 0, "nothing ever connected to b4");
  }
}
