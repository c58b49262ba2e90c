package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.mqttlb.cluster.HazelcastStateStore;
import io.mqttlb.cluster.SharedMap;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.HazelcastPair;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The majority rule across a real two-member Hazelcast cluster in this JVM: each node writes its
 * own observations, both reach the same verdict, and a member that leaves takes its votes with it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TierHealthClusterTest {
  @TempDir
  static Path dir;
  private static HazelcastInstance first;
  private static HazelcastInstance second;
  private static TierHealth one;
  private static TierHealth two;
  private static final Metrics metricsOne = new Metrics();

  @BeforeAll
  static void startTwoMembers() throws Exception {
    HazelcastPair members = HazelcastPair.start(dir, "health-test");
    first = members.first();
    second = members.second();
    one = open(first, "lb-1", metricsOne);
    two = open(second, "lb-2", new Metrics());
  }

  private static TierHealth open(HazelcastInstance member, String nodeId, Metrics metrics) {
    HazelcastStateStore store = new HazelcastStateStore(member);
    SharedMap map = TierHealth.openMap(store);
    TierHealth health = new TierHealth(nodeId, store, map, metrics);
    health.start();
    return health;
  }

  @AfterAll
  static void stop() {
    for (TierHealth health : new TierHealth[] {one, two}) {
      if (health != null) {
        health.close();
      }
    }
    for (HazelcastInstance member : new HazelcastInstance[] {second, first}) {
      if (member != null) {
        member.shutdown();
      }
    }
  }

  @Test
  @Order(1)
  void oneOfTwoIsNotAMajorityBothAre() throws Exception {
    one.observe("b1", false);
    Await.until("lb-2 reads lb-1's vote", () -> two.seenDownBy("b1").equals(List.of("lb-1")));
    Await.until("lb-1 reads its own vote", () -> one.seenDownBy("b1").equals(List.of("lb-1")));
    assertTrue(one.isAvailable("b1"), "one of two members is not a strict majority");
    assertTrue(two.isAvailable("b1"));

    two.observe("b1", false);
    Await.until("b1 down on lb-1", () -> !one.isAvailable("b1"));
    Await.until("b1 down on lb-2", () -> !two.isAvailable("b1"));
    assertEquals(List.of("lb-1", "lb-2"), one.seenDownBy("b1"));
    assertNotNull(one.since("b1"));
    assertEquals(1, metricsOne.transitionCount("b1", false));

    one.observe("b1", true);
    Await.until("b1 up again on lb-2", () -> two.isAvailable("b1"));
    Await.until("b1 up again on lb-1", () -> one.isAvailable("b1"));
    assertEquals(List.of("lb-2"), one.seenDownBy("b1"));
    assertEquals(1, metricsOne.transitionCount("b1", true));
  }

  @Test
  @Order(2)
  void aMemberThatLeavesTakesItsVotesWithIt() throws Exception {
    // b1: lb-2 sees it down (from the first test), lb-1 up. b2: lb-1 sees it down, lb-2 up.
    one.observe("b2", false);
    two.observe("b2", true);
    Await.until("lb-1 reads both votes on b2", () -> one.seenDownBy("b2").equals(List.of("lb-1")));
    assertTrue(one.isAvailable("b2"));
    assertEquals(List.of("lb-2"), one.seenDownBy("b1"));

    second.shutdown();
    // Alone, lb-1 is the whole tier: its own view of b2 is now a majority, and lb-2's entry on b1
    // (still in lb-1's copy of the map) no longer counts.
    Await.until("b2 down once lb-2 left", () -> !one.isAvailable("b2"));
    assertEquals(List.of(), one.seenDownBy("b1"));
    assertTrue(one.isAvailable("b1"));
    assertEquals("down", TierHealth.openMap(new HazelcastStateStore(first)).get("b1|lb-2").split("\\|")[0],
        "the departed member's entry is still there, only ignored");
    assertEquals(List.of("lb-1"), one.seenDownBy("b2"));
  }
}
