package io.mqttlb.moves;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Progress of move jobs in the shared map {@code moves}: each node writes its part of its current
 * job under its node id, e.g.
 *
 * <pre>
 *   lb-1 → {"id":"move-lb-1-m1","kind":"drain","broker":"b2","rate":50,"share":30.0,
 *           "done":12,"remaining":48,"state":"running","startedAt":1764120000000}
 * </pre>
 *
 * and status reads them back as one job: the newest (by {@code startedAt}) over the live members.
 */
public final class MoveProgress {
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String SUPERSEDED = "superseded";

  private MoveProgress() {
  }

  /** A rate as JSON shows it: a whole number without ".0". */
  static Number rateJson(double rate) {
    return rate == Math.rint(rate) && Math.abs(rate) < 1e15 ? (Number) (long) rate : (Number) rate;
  }

  /**
   * The newest job of the live {@code members}' entries, summed:
   * {@code {"id","kind","broker","rate","state","done","remaining","startedAt","nodes":{nodeId:{done,remaining,state}}}};
   * its state is running while any node runs it, done when every node that reported is done, else
   * superseded. Null when no live member reported a job. Entries of nodes that left are ignored,
   * unreadable ones too.
   */
  public static JsonObject aggregate(Map<String, String> entries, List<String> members) {
    JsonObject newest = null;
    for (String member : members) {
      JsonObject entry = read(entries.get(member));
      if (entry != null && (newest == null || newer(entry, newest))) {
        newest = entry;
      }
    }
    if (newest == null) {
      return null;
    }
    String id = newest.getString("id");
    long done = 0;
    long remaining = 0;
    boolean running = false;
    boolean allDone = true;
    JsonObject nodes = new JsonObject();
    for (String member : members) {
      JsonObject entry = read(entries.get(member));
      if (entry == null || !id.equals(entry.getString("id"))) {
        continue;
      }
      String state = entry.getString("state");
      long nodeDone = entry.getLong("done", 0L);
      long nodeRemaining = entry.getLong("remaining", 0L);
      done += nodeDone;
      remaining += nodeRemaining;
      running |= RUNNING.equals(state);
      allDone &= DONE.equals(state);
      nodes.put(member, new JsonObject().put("done", nodeDone).put("remaining", nodeRemaining).put("state", state));
    }
    return new JsonObject()
        .put("id", id)
        .put("kind", newest.getString("kind"))
        .put("broker", newest.getString("broker"))
        .put("rate", newest.getValue("rate"))
        .put("state", running ? RUNNING : allDone ? DONE : SUPERSEDED)
        .put("done", done)
        .put("remaining", remaining)
        .put("startedAt", newest.getString("startedAt"))
        .put("nodes", nodes);
  }

  private static boolean newer(JsonObject a, JsonObject b) {
    int byTime = Long.compare(a.getLong("startedAtMillis", 0L), b.getLong("startedAtMillis", 0L));
    return byTime != 0 ? byTime > 0 : a.getString("id", "").compareTo(b.getString("id", "")) > 0;
  }

  private static JsonObject read(String value) {
    if (value == null) {
      return null;
    }
    try {
      JsonObject entry = new JsonObject(value);
      return entry.getValue("id") instanceof String ? entry : null;
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
