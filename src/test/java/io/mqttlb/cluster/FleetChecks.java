package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.Fleet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks shared by the failover ITs: who moved, how fast, what the nodes report. Every figure a
 * person may want for notes is printed to stderr behind {@link #PREFIX}.
 */
final class FleetChecks {
  static final String PREFIX = "MEASURED";
  /** How far a measured disconnect rate may be from the requested one. */
  static final double RATE_TOLERANCE = 0.20;

  private FleetChecks() {
  }

  static void report(String test, String format, Object... args) {
    System.err.println(PREFIX + " [" + test + "] " + String.format(format, args));
  }

  /** The clients whose current broker differs from {@code owners}' answer. */
  static Set<String> misplaced(Fleet fleet, Map<String, String> owners) {
    Set<String> off = new TreeSet<>();
    owners.forEach((id, owner) -> {
      if (!owner.equals(fleet.brokerOf(id))) {
        off.add(id);
      }
    });
    return off;
  }

  /** Fails unless {@code actual} and {@code expected} hold the same clients, naming a few of the difference. */
  static void assertSameClients(Set<String> expected, Set<String> actual, String what) {
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    assertTrue(extra.isEmpty() && missing.isEmpty(), what + ": expected " + expected.size() + " clients, found "
        + actual.size() + "; " + extra.size() + " unexpected " + first(extra) + "; " + missing.size() + " missing "
        + first(missing));
  }

  /** Fails unless exactly {@code expected} were disconnected since {@code sinceNanos}, naming a few of the difference. */
  static void assertDisconnectedExactly(Fleet fleet, Set<String> expected, long sinceNanos, String what) {
    Set<String> actual = new HashSet<>(fleet.disconnectedSince(sinceNanos));
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    assertTrue(extra.isEmpty() && missing.isEmpty(), what + ": " + expected.size() + " expected to be disconnected, "
        + actual.size() + " were; " + extra.size() + " unexpected " + sample(fleet, extra, sinceNanos)
        + "; " + missing.size() + " not disconnected " + first(missing));
  }

  /** Each of {@code ids} was disconnected exactly once since {@code sinceNanos}. */
  static void assertDisconnectedOnce(Fleet fleet, Collection<String> ids, long sinceNanos, String what) {
    List<String> more = ids.stream().filter(id -> fleet.disconnectsSince(id, sinceNanos).size() != 1).toList();
    assertTrue(more.isEmpty(), what + ": " + more.size() + " clients were not disconnected exactly once "
        + sample(fleet, more, sinceNanos));
  }

  /** Every MQTT 5 client among {@code ids} got a server DISCONNECT 0x9C before its last close. */
  static void assertUseAnotherServer(Fleet fleet, Collection<String> ids, long sinceNanos, String what) {
    List<String> without = ids.stream().filter(fleet::isMqtt5).filter(id -> {
      List<Fleet.Disconnect> since = fleet.disconnectsSince(id, sinceNanos);
      return since.isEmpty() || !Integer.valueOf(Fleet.USE_ANOTHER_SERVER).equals(since.get(since.size() - 1).reasonCode());
    }).toList();
    assertTrue(without.isEmpty(), what + ": " + without.size() + " MQTT 5 clients got no DISCONNECT 0x9C "
        + sample(fleet, without, sinceNanos));
  }

  /** Measures (n − 1) / (last − first) over the disconnects of {@code ids}, prints it and checks it against {@code rate}. */
  static double assertRate(String test, Fleet fleet, Collection<String> ids, long sinceNanos, int rate, String what) {
    List<Long> times = fleet.disconnectTimes(ids, sinceNanos);
    double measured = Fleet.rate(times);
    double seconds = times.size() < 2 ? 0 : (times.get(times.size() - 1) - times.get(0)) / 1e9;
    report(test, "%s: %d disconnects over %.2f s = %.1f/s (requested %d/s, %+.1f%%)", what, times.size(), seconds,
        measured, rate, 100 * (measured - rate) / rate);
    assertTrue(Math.abs(measured - rate) <= RATE_TOLERANCE * rate,
        what + ": measured " + String.format("%.1f", measured) + "/s, requested " + rate + "/s ± 20%");
    return measured;
  }

  /**
   * For each client of {@code movedTo}, the time from {@code sinceNanos} until its marker on the
   * expected broker arrived; prints median and max, returns the max in milliseconds.
   */
  static long failoverMillis(String test, Fleet fleet, Map<String, String> movedTo, long sinceNanos, String what) {
    List<Long> millis = new ArrayList<>();
    movedTo.forEach((id, broker) -> {
      Fleet.Landing landing = fleet.firstLandingSince(id, sinceNanos, broker);
      millis.add(landing == null ? Long.MAX_VALUE : (landing.atNanos() - sinceNanos) / 1_000_000);
    });
    millis.sort(null);
    long max = millis.get(millis.size() - 1);
    report(test, "%s: %d clients reached their successors; after the kill: median %d ms, p90 %d ms, max %d ms",
        what, millis.size(), millis.get(millis.size() / 2), millis.get(millis.size() * 9 / 10), max);
    return max;
  }

  /**
   * Waits until {@code node}'s {@code status.moves} shows job {@code jobId} done, and returns it;
   * fails with the last answer.
   */
  static JsonObject awaitMovesDone(ClusterTier tier, int node, String jobId, Duration timeout)
      throws InterruptedException {
    JsonObject[] last = new JsonObject[1];
    boolean done = ClusterTier.poll(timeout, 50, () -> {
      last[0] = tier.status(node).getJsonObject("moves");
      return last[0] != null && (jobId == null || jobId.equals(last[0].getString("id")))
          && "done".equals(last[0].getString("state"));
    });
    assertTrue(done, "lb-" + node + " status.moves did not show job " + jobId + " done within " + timeout
        + "; last: " + last[0]);
    return last[0];
  }

  /** Checks a 202 answer of a drain or rebalance and returns its body. */
  static JsonObject accepted(ClusterTier.Reply reply, String kind, int clients, String what) {
    assertEquals(202, reply.status(), what + ": " + reply);
    JsonObject body = reply.json();
    assertEquals(kind, body.getString("kind"), what + ": " + body);
    assertEquals(clients, body.getInteger("clients"), what + ": clients affected, " + body);
    return body;
  }

  /** Checks a finished job's progress: state done, {@code done == moved}, nothing remaining. */
  static void assertMovesFinished(JsonObject moves, String kind, int moved, String what) {
    assertEquals(kind, moves.getString("kind"), what + ": " + moves);
    assertEquals("done", moves.getString("state"), what + ": " + moves);
    assertEquals(moved, moves.getInteger("done"), what + ": done, " + moves);
    assertEquals(0, moves.getInteger("remaining"), what + ": remaining, " + moves);
  }

  /**
   * Waits until every running node's {@code GET /api/v1/brokers} shows {@code brokerId} with
   * {@code healthy == expected} (and, when down, a non-empty {@code seenDownBy}); returns each
   * node's entry for it.
   */
  static Map<Integer, JsonObject> awaitHealthy(ClusterTier tier, String brokerId, boolean expected, Duration timeout)
      throws InterruptedException {
    Map<Integer, JsonObject> entries = new TreeMap<>();
    try {
      tier.awaitAll(timeout, brokerId + " healthy=" + expected + " (with seenDownBy and since)", node -> {
        JsonObject broker = tier.brokersById(node).get(brokerId);
        entries.put(node, broker);
        JsonArray seenDownBy = broker.getJsonArray("seenDownBy");
        return broker.getValue("healthy") instanceof Boolean healthy && healthy == expected
            && seenDownBy != null && (expected ? seenDownBy.isEmpty() : !seenDownBy.isEmpty())
            && broker.getString("since") != null;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last entries: " + entries, e);
    }
    return entries;
  }

  /** The spread between the nodes' {@code since} instants, in milliseconds, printed with each node's lag after {@code eventMillis}. */
  static long disagreementMillis(String test, Map<Integer, JsonObject> entries, long eventMillis, String what) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    StringBuilder each = new StringBuilder();
    for (Map.Entry<Integer, JsonObject> entry : entries.entrySet()) {
      long since = Instant.parse(entry.getValue().getString("since")).toEpochMilli();
      min = Math.min(min, since);
      max = Math.max(max, since);
      each.append(" lb-").append(entry.getKey()).append(" +").append(since - eventMillis).append(" ms")
          .append(" seenDownBy=").append(entry.getValue().getJsonArray("seenDownBy"));
    }
    report(test, "%s: nodes disagreed for %d ms (max − min of since); verdict after the event:%s", what, max - min, each);
    return max - min;
  }

  private static String sample(Fleet fleet, Collection<String> ids, long sinceNanos) {
    StringBuilder out = new StringBuilder("[");
    ids.stream().limit(5).forEach(id -> out.append(id).append(": on ").append(fleet.brokerOf(id))
        .append(", disconnects ").append(fleet.disconnectsSince(id, sinceNanos)).append("; "));
    return out.append(ids.size() > 5 ? "...]" : "]").toString();
  }

  private static String first(Collection<String> ids) {
    return ids.stream().limit(5).toList() + (ids.size() > 5 ? "..." : "");
  }
}
