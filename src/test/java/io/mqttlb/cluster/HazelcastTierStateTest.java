package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.config.RoutingConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.HazelcastPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tier's state in a real two-member Hazelcast cluster in this JVM: the first node seeds it, the
 * second adopts it whatever its own file says, and every write of one is read locally by the other.
 * (The tests with nodes as separate processes are the *IT classes.)
 */
class HazelcastTierStateTest {
  private static final Duration STICKY_TTL = Duration.ofSeconds(1);
  @TempDir
  static Path dir;
  private static HazelcastInstance first;
  private static HazelcastInstance second;
  private static TierState one;
  private static TierState two;

  @BeforeAll
  static void startTwoMembers() throws Exception {
    HazelcastPair members = HazelcastPair.start(dir, "state-test");
    first = members.first();
    second = members.second();

    RoutingConfig routing = RoutingConfig.defaults().withMode(RoutingMode.TABLE).withTable(STICKY_TTL, 50);
    one = TierState.open(new HazelcastStateStore(first), NodeConfig.defaults().withNodeId("lb-1").withRouting(routing)
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1884, 1), new BrokerConfig("b2", "127.0.0.1", 1885, 2))),
        "node-1.yaml");
    // The second file disagrees on everything: the cluster wins.
    two = TierState.open(new HazelcastStateStore(second), NodeConfig.defaults().withNodeId("lb-2")
        .withRouting(routing.withMode(RoutingMode.HASH))
        .withBrokers(List.of(new BrokerConfig("x9", "127.0.0.1", 1999, 1))), "node-2.yaml");
  }

  @AfterAll
  static void stop() {
    if (one != null) {
      one.close();
    }
    if (two != null) {
      two.close();
    }
    if (second != null) {
      second.shutdown();
    }
    if (first != null) {
      first.shutdown();
    }
  }

  @Test
  void theSecondNodeAdoptsTheStateTheFirstSeeded() {
    assertEquals(List.of("b1", "b2"), two.brokers().stream().map(BrokerConfig::id).toList());
    assertEquals(2, two.broker("b2").weight());
    assertEquals(RoutingMode.TABLE, two.mode());
    assertEquals(List.of("lb-1", "lb-2"), one.members().stream().sorted().toList());
    assertTrue(two.clustered());
    assertTrue(one.seededFromConfig(), "the first member seeded the state from its configuration");
    assertFalse(two.seededFromConfig(), "the second adopted the tier's");
  }

  @Test
  void writesOnOneNodeAreReadLocallyOnTheOther() throws Exception {
    one.putBroker(new BrokerConfig("b3", "127.0.0.1", 1886, 1));
    Await.until("broker replicated", () -> two.broker("b3") != null);
    two.setMode(RoutingMode.HASH);
    Await.until("mode replicated", () -> one.mode() == RoutingMode.HASH);
    two.setMode(RoutingMode.TABLE);
    Await.until("mode replicated back", () -> one.mode() == RoutingMode.TABLE);
    one.putBroker(new BrokerConfig("b3", "127.0.0.1", 1886, 1).withSendProxyProtocol(ProxyProtocol.V2));
    Await.until("PROXY protocol version replicated", () -> two.broker("b3").sendProxyProtocol() == ProxyProtocol.V2);
    assertTrue(one.removeBroker("b3"));
    Await.until("removal replicated", () -> two.broker("b3") == null);

    one.putOverride("pinned", "b2", null);
    Await.until("override replicated", () -> "b2".equals(two.overrideBroker("pinned")));
    assertTrue(two.removeEntry("pinned"));
    Await.until("override removal replicated", () -> one.overrideBroker("pinned") == null);
  }

  @Test
  void stickyEntriesReplicateAndExpire() throws Exception {
    one.recordSticky("sticky-1", "b1", StickyEvent.CONNECTED);
    Await.until("sticky replicated", () -> "b1".equals(two.stickyBroker("sticky-1")));
    TablePage page = two.table("sticky-", 10);
    assertEquals(List.of(new TableEntry("sticky-1", "b1", TableEntry.STICKY, page.entries().get(0).expiresAt())),
        page.entries());
    Await.until("sticky expired on both", () -> one.stickyBroker("sticky-1") == null && two.stickyBroker("sticky-1") == null);
    assertNull(two.stickyBroker("sticky-1"));
  }

  @Test
  void bothWritersTogetherKeepTheBound() throws Exception {
    // Each writer alone goes past the bound of 50: both evict on their write path, not only in
    // their once-a-second pass (which the 1 s TTL of these entries would make moot).
    for (int i = 0; i < 160; i++) {
      (i % 2 == 0 ? one : two).recordSticky("bound-" + i, "b1", StickyEvent.CONNECTED);
    }
    Await.until("bound enforced on both members", () -> one.stickyCount() <= 50 && two.stickyCount() <= 50
        && one.stickyEvictions() + two.stickyEvictions() > 0);
  }

}
