package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.CleanSessionRouting;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.routing.HashRing;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RingMember;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.InJvmTier;
import io.mqttlb.testing.Fleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection counts are shared through the cluster: two clustered nodes in this JVM (Hazelcast on loopback) in
 * front of three Mosquitto brokers; persistent clients that all belong to b1 connect through lb-1, then clean
 * clients connect through lb-2, which has none of b1's clients itself and still sends the clean ones to b2 and b3.
 */
@EndToEnd
class ClusteredCleanSessionsEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void cleanClientsThroughOneNodeAvoidTheBrokerLoadedThroughTheOther() throws Exception {
    try (InJvmTier tier = InJvmTier.start(dir, 2, 3,
        config -> config.withRouting(config.routing().withCleanSessions(CleanSessionRouting.LEAST_LOADED)))) {
      BalancerNode one = tier.node(1);
      BalancerNode two = tier.node(2);

      HashRing ring = HashRing.build(List.of(new RingMember("b1", 1), new RingMember("b2", 1), new RingMember("b3", 1)),
          160);
      List<String> ofB1 = new ArrayList<>();
      for (int i = 0; ofB1.size() < CleanSessionsEndToEndTest.PERSISTENT; i++) {
        if (ring.memberId(ring.lookup(RingHash.hashKey("persistent-" + i))).equals("b1")) {
          ofB1.add("persistent-" + i);
        }
      }
      try (Fleet persistent = Fleet.connect(ofB1, List.of(one.port()))) {
        persistent.awaitAllConnected(Duration.ofSeconds(30));
        assertEquals(Map.of("b1", ofB1.size()), persistent.distribution());
        Await.until("lb-2 counts lb-1's clients on b1",
            () -> two.connections().connections("b1") == CleanSessionsEndToEndTest.PERSISTENT);
        assertEquals(0, two.metrics().broker("b1").placed(), "none of them through lb-2 itself");

        try (Fleet clean = Fleet.connectClean(CleanSessionsEndToEndTest.cleanIds(), List.of(two.port()))) {
          clean.awaitAllConnected(Duration.ofSeconds(30));
          Map<String, Integer> cleanOn = clean.distribution();
          assertFalse(cleanOn.containsKey("b1"), "lb-2 kept clean clients off the broker lb-1 loaded: " + cleanOn);
          int onB2 = cleanOn.getOrDefault("b2", 0);
          int onB3 = cleanOn.getOrDefault("b3", 0);
          assertTrue(Math.abs(onB2 - onB3) <= CleanSessionsEndToEndTest.TOLERANCE, "evenly: " + cleanOn);
          Await.until("lb-1 counts lb-2's clean clients", () -> one.connections().connections("b2") == onB2
              && one.connections().connections("b3") == onB3);
        }
        Await.until("lb-1 sees them gone once lb-2 publishes again", () -> one.connections().connections("b2") == 0
            && one.connections().connections("b3") == 0);
      }
    }
  }
}
