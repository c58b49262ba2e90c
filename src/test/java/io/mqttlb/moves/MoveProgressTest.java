package io.mqttlb.moves;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status's view of move jobs: the newest job over the live members' progress entries. */
class MoveProgressTest {
  private static String entry(String id, long startedAt, long done, long remaining, String state) {
    return new JsonObject().put("id", id).put("kind", "drain").put("broker", "b2").put("rate", 50)
        .put("done", done).put("remaining", remaining).put("state", state)
        .put("startedAt", java.time.Instant.ofEpochMilli(startedAt).toString()).put("startedAtMillis", startedAt).encode();
  }

  @Test
  void noEntryNoJob() {
    assertNull(MoveProgress.aggregate(Map.of(), List.of("lb-1")));
    assertNull(MoveProgress.aggregate(Map.of("lb-9", entry("m1", 1, 0, 0, "done")), List.of("lb-1")),
        "a node that left does not count");
  }

  @Test
  void theNewestJobIsSummedOverTheLiveMembersThatRunIt() {
    Map<String, String> entries = new HashMap<>();
    entries.put("lb-1", entry("m2", 2000, 10, 20, "running"));
    entries.put("lb-2", entry("m2", 2000, 5, 0, "done"));
    entries.put("lb-3", entry("m1", 1000, 7, 7, "superseded")); // has not seen m2 yet
    entries.put("lb-gone", entry("m3", 3000, 1, 1, "running")); // newer, but not a member
    entries.put("lb-4", "not json");
    JsonObject moves = MoveProgress.aggregate(entries, List.of("lb-1", "lb-2", "lb-3", "lb-4"));
    assertEquals("m2", moves.getString("id"));
    assertEquals("running", moves.getString("state"));
    assertEquals(15, moves.getLong("done"));
    assertEquals(20, moves.getLong("remaining"));
    assertEquals(50, moves.getValue("rate"));
    assertEquals("b2", moves.getString("broker"));
    assertEquals(java.util.Set.of("lb-1", "lb-2"), moves.getJsonObject("nodes").fieldNames());
    assertEquals(new JsonObject().put("done", 5L).put("remaining", 0L).put("state", "done"),
        moves.getJsonObject("nodes").getJsonObject("lb-2"));

    entries.put("lb-1", entry("m2", 2000, 30, 0, "done"));
    assertEquals("done", MoveProgress.aggregate(entries, List.of("lb-1", "lb-2")).getString("state"));
    entries.put("lb-1", entry("m2", 2000, 12, 18, "superseded"));
    assertEquals("superseded", MoveProgress.aggregate(entries, List.of("lb-1", "lb-2")).getString("state"));
  }

  @Test
  void wholeRatesShowWithoutAFraction() {
    assertEquals(50L, MoveProgress.rateJson(50.0));
    assertEquals(2.5, MoveProgress.rateJson(2.5));
  }
}
