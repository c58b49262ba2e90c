package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.HazelcastPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local copy of a table map that the connect path reads: it follows another member's writes,
 * removals and expiries, takes this node's own writes at once, fills itself when a member joins a
 * tier that holds entries already, and cannot be rolled back by its own initial copy.
 */
class TableMirrorTest {
  @TempDir
  static Path dir;
  private static HazelcastPair pair;

  @BeforeAll
  static void startTwoMembers() throws Exception {
    pair = HazelcastPair.start(dir, "mirror-test");
  }

  @AfterAll
  static void stop() {
    if (pair != null) {
      pair.second().shutdown();
      pair.first().shutdown();
    }
  }

  private static String value(String broker, long ttlMillis) {
    return TableEntry.encode(broker, System.currentTimeMillis() + ttlMillis);
  }

  @Test
  void followsPutsUpdatesRemovalsAndExpiryOfAnotherMember() throws Exception {
    SharedMap writer = new HazelcastStateStore(pair.first()).map("mirror-follow");
    TableMirror mirror = TableMirror.follow(new HazelcastStateStore(pair.second()).map("mirror-follow"));

    writer.put("c1", value("b1", 60_000), Duration.ofMinutes(1));
    Await.until("put seen", () -> "b1".equals(mirror.liveBroker("c1")));
    writer.put("c1", value("b2", 60_000), Duration.ofMinutes(1));
    Await.until("update seen", () -> "b2".equals(mirror.liveBroker("c1")));
    writer.remove("c1");
    Await.until("removal seen", () -> mirror.get("c1") == null);

    // Gone from the copy, not only dead by its expiry: the store's expiry reached the mirror.
    writer.put("c2", value("b1", 500), Duration.ofMillis(500));
    Await.until("put seen", () -> mirror.get("c2") != null);
    Await.until("expiry seen", () -> mirror.get("c2") == null);
  }

  @Test
  void aNodeReadsItsOwnTableWritesAtOnce() throws Exception {
    RoutingConfig routing = RoutingConfig.defaults().withMode(RoutingMode.TABLE).withTable(Duration.ofMinutes(1), 1000);
    NodeConfig config = NodeConfig.defaults().withNodeId("lb-1").withRouting(routing)
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1884, 1)));
    try (TierState state = TierState.open(new HazelcastStateStore(pair.first()), config, "test")) {
      state.recordSticky("own-1", "b1", StickyEvent.CONNECTED);
      assertEquals("b1", state.stickyBroker("own-1"), "a reconnect right after the first connect finds the entry");
      state.putOverride("own-2", "b1", null);
      assertEquals("b1", state.overrideBroker("own-2"));
      state.removeEntry("own-2");
      assertNull(state.overrideBroker("own-2"));
      Await.until("the write reached the shared map", () -> state.table("own-1", 1).entries().size() == 1);
    }
  }

  @Test
  void aJoiningMemberFillsItsCopyFromTheTier() throws Exception {
    SharedMap writer = new HazelcastStateStore(pair.first()).map("sticky");
    for (int i = 0; i < 1000; i++) {
      writer.put("join-" + i, value("b" + (i % 3), 60_000), Duration.ofMinutes(1));
    }
    writer.put("join-dead", TableEntry.encode("b1", System.currentTimeMillis() - 60_000), Duration.ofMinutes(1));
    HazelcastInstance third = Hazelcast.newHazelcastInstance(HazelcastSetup.load(pair.configForJoiner(dir.resolve("hazelcast-3.yaml")), "lb-3"));
    try {
      TableMirror mirror = TableMirror.follow(new HazelcastStateStore(third).map("sticky"));
      for (int i = 0; i < 1000; i++) {
        assertEquals("b" + (i % 3), mirror.liveBroker("join-" + i), "join-" + i);
      }
      assertNull(mirror.liveBroker("join-dead"), "an entry past its expiry is never answered");
      writer.remove("join-7");
      Await.until("the joined member follows changes", () -> mirror.get("join-7") == null);
    } finally {
      third.shutdown();
    }
  }

  /**
   * The copy is read after the listener is registered: an event that lands while it runs must win,
   * and a removal must not be undone by the copy's older view. The map below makes those events
   * happen exactly then.
   */
  @Test
  void eventsDuringTheInitialCopyWinOverIt() {
    SharedMap local = new LocalStateStore("lb-1").map("sticky");
    local.put("removed", value("b1", 60_000));
    local.put("changed", value("b1", 60_000));
    local.put("kept", value("b1", 60_000));
    SharedMap racing = new Delegating(local) {
      @Override
      public Map<String, String> copy() {
        Map<String, String> stale = local.copy();
        local.remove("removed");
        local.put("changed", value("b2", 60_000));
        local.put("added", value("b3", 60_000));
        return stale;
      }
    };
    TableMirror mirror = TableMirror.follow(racing);
    assertNull(mirror.get("removed"), "no tombstone left and no resurrection");
    assertEquals("b2", mirror.liveBroker("changed"));
    assertEquals("b3", mirror.liveBroker("added"));
    assertEquals("b1", mirror.liveBroker("kept"));
    assertEquals(3, mirror.size());
  }

  @Test
  void brokerIdsAreSharedAndLookupsSkipExpiredEntries() {
    SharedMap local = new LocalStateStore("lb-1").map("sticky");
    TableMirror mirror = TableMirror.follow(local);
    local.put("a", value(new String("b1"), 60_000));
    local.put("b", value(new String("b1"), 60_000));
    local.put("old", TableEntry.encode("b1", System.currentTimeMillis() - 60_000));
    local.put("forever", TableEntry.encode("b2", 0));
    assertEquals(System.identityHashCode(mirror.liveBroker("a")), System.identityHashCode(mirror.liveBroker("b")));
    assertNull(mirror.liveBroker("old"));
    assertEquals("b2", mirror.liveBroker("forever"));
    assertEquals("old", mirror.soonestToExpire(1).get(0));
    assertEquals("forever", mirror.soonestToExpire(4).get(3), "entries that never expire go last");
    mirror.purgeExpired(System.currentTimeMillis());
    assertNull(mirror.get("old"));
  }

  /** A SharedMap that hands every call to another. */
  private static class Delegating implements SharedMap {
    private final SharedMap target;

    Delegating(SharedMap target) {
      this.target = target;
    }

    @Override
    public String get(String key) {
      return target.get(key);
    }

    @Override
    public void put(String key, String value) {
      target.put(key, value);
    }

    @Override
    public void put(String key, String value, Duration ttl) {
      target.put(key, value, ttl);
    }

    @Override
    public String remove(String key) {
      return target.remove(key);
    }

    @Override
    public int size() {
      return target.size();
    }

    @Override
    public Map<String, String> copy() {
      return target.copy();
    }

    @Override
    public void onChange(Runnable listener) {
      target.onChange(listener);
    }

    @Override
    public void onEntryChange(EntryChanges listener) {
      target.onEntryChange(listener);
    }
  }

  @Test
  void aRefillAfterAMergeDropsWhatTheMapLacksAndTakesWhatItHolds() {
    SharedMap map = new LocalStateStore("lb-1").map("overrides");
    map.put("kept", TableEntry.encode("b1", 0));
    map.put("gone", TableEntry.encode("b1", 0));
    TableMirror mirror = TableMirror.follow(map);
    // The merged map, as the store holds it after a merge that raised no entry events.
    mirror.refill(Map.of("kept", TableEntry.encode("b2", 0), "new", TableEntry.encode("b3", 0)));
    assertEquals("b2", mirror.liveBroker("kept"));
    assertEquals("b3", mirror.liveBroker("new"));
    assertNull(mirror.liveBroker("gone"));
    assertEquals(2, mirror.size());
  }
}
