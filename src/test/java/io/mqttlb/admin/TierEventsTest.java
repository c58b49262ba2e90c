package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.cluster.TierState.MergedBack;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.health.TierHealth.VerdictChange;
import io.mqttlb.routing.RoutingSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tier's events: what each change of the state becomes, and the bounded, ordered buffer. */
class TierEventsTest {
  private static final BrokerConfig B1 = new BrokerConfig("b1", "127.0.0.1", 1884, 1);
  private static final BrokerConfig B2 = new BrokerConfig("b2", "127.0.0.1", 1885, 1);

  private static RoutingSnapshot snapshot(RoutingMode mode, Set<String> drained, BrokerConfig... brokers) {
    return RoutingSnapshot.of(1, mode, List.of(brokers), 16, drained);
  }

  private static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  @Test
  void aModeSwitchIsOneEvent() {
    List<JsonObject> events = TierEvents.routingChanges(snapshot(RoutingMode.HASH, Set.of(), B1, B2),
        snapshot(RoutingMode.TABLE, Set.of(), B1, B2));
    assertEquals(List.of("mode"), types(events));
    assertEquals("table", events.get(0).getString("mode"));
    assertEquals("hash", events.get(0).getString("from"));
    assertEquals("routing mode switched from hash to table", events.get(0).getString("text"));
  }

  @Test
  void brokersAddedRemovedReweightedDrainedAndEnabled() {
    BrokerConfig b3 = new BrokerConfig("b3", "127.0.0.1", 1886, 1);
    BrokerConfig heavier = new BrokerConfig("b2", "127.0.0.1", 1885, 3);
    List<JsonObject> events = TierEvents.routingChanges(snapshot(RoutingMode.HASH, Set.of(), B1, B2),
        snapshot(RoutingMode.HASH, Set.of("b1"), B1, heavier, b3));
    assertEquals(List.of("broker-drained", "broker-changed", "broker-added"), types(events));
    assertEquals("broker b2 changed: weight 1 → 3", events.get(1).getString("text"));
    assertEquals(3, events.get(1).getInteger("weight"));
    assertEquals("127.0.0.1:1886", events.get(2).getString("address"));

    events = TierEvents.routingChanges(snapshot(RoutingMode.HASH, Set.of("b1"), B1, B2),
        snapshot(RoutingMode.HASH, Set.of(), B1));
    assertEquals(List.of("broker-enabled", "broker-removed"), types(events));
    assertEquals("b2", events.get(1).getString("broker"));
  }

  @Test
  void anUnchangedSnapshotIsNoEvent() {
    assertTrue(TierEvents.routingChanges(snapshot(RoutingMode.TABLE, Set.of("b2"), B1, B2),
        snapshot(RoutingMode.TABLE, Set.of("b2"), B2, B1)).isEmpty());
  }

  @Test
  void aVerdictNamesTheMembersThatSeeTheBrokerDown() {
    JsonObject down = TierEvents.verdictEvent(new VerdictChange("b2", false, List.of("lb-1", "lb-2"),
        List.of("lb-1", "lb-2", "lb-3")));
    assertEquals("broker-down", down.getString("type"));
    assertEquals(new JsonArray().add("lb-1").add("lb-2"), down.getJsonArray("seenDownBy"));
    assertEquals("broker b2 is down for the tier, seen down by lb-1, lb-2 of 3 members", down.getString("text"));
    JsonObject up = TierEvents.verdictEvent(new VerdictChange("b2", true, List.of(), List.of("lb-1")));
    assertEquals("broker-up", up.getString("type"));
  }

  @Test
  void membersThatJoinedAndLeft() {
    List<JsonObject> events = TierEvents.memberChanges(List.of("lb-1", "lb-2"), List.of("lb-3", "lb-1"));
    assertEquals(List.of("member-joined", "member-left"), types(events));
    assertEquals("lb-3", events.get(0).getString("member"));
    assertEquals("lb-2", events.get(1).getString("member"));
    assertTrue(TierEvents.memberChanges(List.of("lb-1", "lb-2"), List.of("lb-2", "lb-1")).isEmpty());
  }

  @Test
  void mergingBackSaysWhatTheNodeLost() {
    JsonObject lost = TierEvents.mergedBackEvent(new MergedBack(
        List.of("setting mode=hash (the tier has table)", "override k1=b1|0 (the tier has none)"), 12, 10));
    assertEquals("merged-back", lost.getString("type"));
    assertEquals(new JsonArray(List.of("setting mode=hash (the tier has table)", "override k1=b1|0 (the tier has none)")),
        lost.getJsonArray("dropped"));
    assertEquals(12, lost.getInteger("stickyBefore"));
    assertEquals(10, lost.getInteger("stickyNow"));
    assertTrue(lost.getString("text").contains("2 of this node's entries were dropped"), lost.getString("text"));

    JsonObject nothing = TierEvents.mergedBackEvent(new MergedBack(List.of(), 3, 3));
    assertEquals(new JsonArray(), nothing.getJsonArray("dropped"));
    assertTrue(nothing.getString("text").endsWith("lost nothing it held"), nothing.getString("text"));
  }

  @Test
  void aMoveJobStartsOnceAndFinishesOnce() {
    JsonObject running = job("move-1", "running", 3, 7);
    assertEquals(List.of("move-started"), types(TierEvents.moveChanges(null, running)));
    assertTrue(TierEvents.moveChanges(running, job("move-1", "running", 5, 5)).isEmpty(), "progress is no event");
    List<JsonObject> finished = TierEvents.moveChanges(running, job("move-1", "done", 10, 0));
    assertEquals(List.of("move-finished"), types(finished));
    assertEquals("drain of b1 done: 10 client(s) moved, 0 left", finished.get(0).getString("text"));
    assertTrue(TierEvents.moveChanges(job("move-1", "done", 10, 0), job("move-1", "done", 10, 0)).isEmpty());
    assertEquals(List.of("move-started", "move-finished"),
        types(TierEvents.moveChanges(job("move-1", "done", 10, 0), job("move-2", "done", 0, 0))),
        "a job seen only once it ended");
    assertTrue(TierEvents.moveChanges(null, null).isEmpty());
  }

  private static JsonObject job(String id, String state, long done, long remaining) {
    return new JsonObject().put("id", id).put("kind", "drain").put("broker", "b1").put("rate", 50)
        .put("state", state).put("done", done).put("remaining", remaining);
  }

  @Test
  void theBufferKeepsTheNewestAndNumbersEveryEvent() {
    TierEvents events = new TierEvents(3);
    for (int i = 1; i <= 5; i++) {
      events.add(new JsonObject().put("type", "test").put("text", "event " + i));
    }
    assertEquals(5, events.lastSeq());
    List<JsonObject> kept = events.after(0);
    assertEquals(List.of(3L, 4L, 5L), kept.stream().map(e -> e.getLong("seq")).toList());
    assertEquals("event 5", kept.get(2).getString("text"));
    assertTrue(Instant.parse(kept.get(2).getString("at")).isAfter(Instant.EPOCH));
    assertEquals(List.of(5L), events.after(4).stream().map(e -> e.getLong("seq")).toList());
  }

  @Test
  void aSubscriberGetsWhatItMissedThenEveryNewEventWithoutGapOrRepeat() {
    TierEvents events = new TierEvents(10);
    events.add(new JsonObject().put("type", "test").put("text", "1"));
    events.add(new JsonObject().put("type", "test").put("text", "2"));
    List<Long> seen = new ArrayList<>();
    Runnable stop = events.subscribe(1, event -> seen.add(event.getLong("seq")));
    events.add(new JsonObject().put("type", "test").put("text", "3"));
    assertEquals(List.of(2L, 3L), seen);
    stop.run();
    events.add(new JsonObject().put("type", "test").put("text", "4"));
    assertEquals(List.of(2L, 3L), seen, "no event after the subscription ended");

    List<Long> afterRestart = new ArrayList<>();
    events.subscribe(99, event -> afterRestart.add(event.getLong("seq")));
    assertEquals(List.of(1L, 2L, 3L, 4L), afterRestart, "a seq from before a restart of the node replays everything");
  }
}
