package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.EndToEnd;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node frozen (SIGSTOP) past Hazelcast's failure detection, while the two others carry on as the
 * cluster and change the tier; then resumed (SIGCONT). The frozen node comes back as a cluster of
 * its own and merges into the larger one: the tier must converge on the majority's state (mode,
 * brokers, table, the routes of every node), the frozen node's stale health votes must not take a
 * healthy broker out, and what the frozen node held and lost must be in its events (and its log).
 *
 * <p>A frozen JVM answers nothing, its admin API included, so an operator's change cannot reach it
 * while it is cut off; isolating only its Hazelcast traffic needs a firewall this machine does not
 * give a test. What can be tested is the moment just after the resume, when the node still routes
 * on its own copy: a change made through it then either reaches the tier before the merge or is
 * dropped and reported; both are accepted, and every node must agree.
 */
@EndToEnd
class ClusterSplitBrainIT {
  /** Generous: failure detection, the frozen node's merge back and re-reading its state fit well within it. */
  private static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(45);

  static ClusterTier tier;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTier() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults().withHealth(ClusterTier.Health.fast()));
  }

  @AfterAll
  static void stopTier() {
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  void theTierConvergesOnTheMajoritysChangesAfterAFrozenNodeResumes() throws Exception {
    int victim = 3;
    int a = 1;
    int b = 2;
    List<String> ids = ClusterRoutingIT.clientIds(300, 7);

    // Before the freeze: b3 is down for every node (the victim votes it down too), and the table holds
    // an override that the majority will remove while the victim is frozen.
    tier.killBroker("b3");
    tier.awaitAll(Duration.ofSeconds(10), "b3 down, lb-" + victim + " among those who see it down", node -> {
      JsonObject b3 = tier.brokersById(node).get("b3");
      return !b3.getBoolean("healthy") && b3.getJsonArray("seenDownBy").contains("lb-" + victim);
    });
    String removedKey = "removed-while-frozen";
    tier.putOverride(victim, removedKey, "b1");
    tier.awaitAll(Duration.ofSeconds(5), "the override " + removedKey,
        node -> tier.tableEntries(node).containsKey(removedKey));

    long freezing = System.nanoTime();
    tier.freeze(victim);
    tier.awaitMembers(a, 2);
    tier.awaitMembers(b, 2);
    System.err.printf("lb-%d frozen: the two others saw 2 members after %d ms%n", victim, millisSince(freezing));

    // The majority carries on: b3 is back, the mode switches, an override is set and one removed,
    // b2 is re-weighted.
    tier.restartBroker("b3");
    awaitOn(List.of(a, b), "b3 up on the majority", node -> tier.brokersById(node).get("b3").getBoolean("healthy"));
    String addedKey = "set-while-frozen";
    List<String> majorityBrokers = List.of(brokerLine("b1", 1), brokerLine("b2", 3), brokerLine("b3", 1));
    // On a loaded 2-core machine the two survivors can miss each other's heartbeats too and split in
    // two halves of one; the merge then keeps one half's changes (as docs/split-brain.md says). The
    // test needs the majority to agree, so it makes the changes again until both show them.
    for (int attempt = 1; ; attempt++) {
      tier.awaitMembers(a, 2);
      tier.awaitMembers(b, 2);
      tier.setMode(a, "table");
      tier.putOverride(a, addedKey, "b3");
      tier.delete(b, "/api/v1/table/" + removedKey);
      tier.setWeight(b, "b2", 3);
      boolean agreed = ClusterTier.poll(Duration.ofSeconds(10), 50, () -> List.of(a, b).stream().allMatch(node ->
          tier.mode(node).equals("table") && tier.brokerList(node).equals(majorityBrokers)
              && tier.tableEntries(node).equals(Map.of(addedKey, "override:b3"))));
      if (agreed) {
        break;
      }
      assertTrue(attempt < 3, "lb-" + a + " and lb-" + b + " did not agree on the majority's changes after " + attempt
          + " attempts: " + tier.mode(a) + " " + tier.brokerList(a) + " " + tier.tableEntries(a) + " / " + tier.mode(b)
          + " " + tier.brokerList(b) + " " + tier.tableEntries(b));
      System.err.printf("lb-%d and lb-%d disagree on the majority's changes (they split from each other too?): "
          + "making them again%n", a, b);
    }
    Map<String, String> majorityTable = tier.tableEntries(a);
    System.err.printf("the majority changed the tier %d ms after the freeze; resuming lb-%d%n", millisSince(freezing), victim);

    long resuming = System.nanoTime();
    tier.resume(victim);
    // Right after the resume the victim still routes on its own copy, alone or about to notice it
    // is: an operator's change through it now may or may not reach the tier before it merges back.
    String isolatedKey = "set-on-lb-" + victim + "-just-after-the-resume";
    ClusterTier.Reply isolatedPut = tier.put(victim, "/api/v1/table/" + isolatedKey, new JsonObject().put("broker", "b1"));
    System.err.printf("PUT %s on lb-%d %d ms after the resume: %s%n", isolatedKey, victim, millisSince(resuming), isolatedPut);

    Map<String, Integer> weights = ClusterTier.equalWeights();
    weights.put("b2", 3);
    List<String> routed = new ArrayList<>(ids);
    routed.addAll(List.of(removedKey, addedKey, isolatedKey));
    List<Integer> lagging = new ArrayList<>();
    boolean converged = ClusterTier.poll(CONVERGENCE_BOUND, 200, () -> {
      lagging.clear();
      Map<String, String> table = tier.tableEntries(a);
      Map<String, String> majorityPart = new TreeMap<>(table);
      majorityPart.remove(isolatedKey);
      Map<String, String> expected = ClusterTier.expectedRoutes(routed, table, weights);
      for (int node = 1; node <= ClusterTier.NODES; node++) {
        try {
          if (tier.status(node).getJsonArray("members").size() != ClusterTier.NODES || !tier.mode(node).equals("table")
              || !tier.brokerList(node).equals(majorityBrokers) || !majorityPart.equals(majorityTable)
              || !tier.tableEntries(node).equals(table) || !allHealthyWithoutDownVotes(node)
              || !tier.routes(node, routed).equals(expected)) {
            lagging.add(node);
          }
        } catch (RuntimeException | AssertionError | InterruptedException notYet) {
          lagging.add(node);
        }
      }
      return lagging.isEmpty();
    });
    long convergedAfter = millisSince(resuming);
    System.err.printf("lb-%d resumed after %d ms frozen; the tier %s %d ms after the resume%n", victim,
        TimeUnit.NANOSECONDS.toMillis(resuming - freezing), converged ? "converged" : "had NOT converged", convergedAfter);
    for (int node = 1; node <= ClusterTier.NODES; node++) {
      System.err.printf("lb-%d: members %s mode %s brokers %s table %s brokers %s%n", node,
          tier.status(node).getJsonArray("members"), tier.mode(node), tier.brokerList(node), tier.tableEntries(node),
          tier.brokersById(node).values());
    }
    assertTrue(converged, "nodes " + lagging + " did not converge on the majority's state within " + CONVERGENCE_BOUND);

    // Nothing the victim held is gone without a word: its merged-back event names its mode, the override the
    // majority removed, and the override set through it after the resume unless that reached the tier.
    List<String> expectedDrops = new ArrayList<>(List.of("setting mode=hash (the tier has table)",
        "override " + removedKey + "="));
    boolean isolatedChangeKept = tier.tableEntries(a).containsKey(isolatedKey);
    if (!isolatedChangeKept) {
      expectedDrops.add("override " + isolatedKey + "=");
    }
    System.err.printf("the override set through lb-%d just after the resume %s%n", victim,
        isolatedChangeKept ? "reached the tier before the merge and is kept" : "was dropped in the merge");
    JsonObject mergedBack = mergedBackEvent(victim);
    List<String> dropped = mergedBack.getJsonArray("dropped").stream().map(String::valueOf).toList();
    for (String expected : expectedDrops) {
      assertTrue(dropped.stream().anyMatch(line -> line.startsWith(expected)),
          "lb-" + victim + "'s merged-back event names " + expected + ": " + mergedBack);
    }
  }

  /** The victim's event of its merge back into the tier (it comes just after its state converged). */
  private static JsonObject mergedBackEvent(int node) throws InterruptedException {
    JsonObject[] found = new JsonObject[1];
    boolean seen = ClusterTier.poll(Duration.ofSeconds(10), 50, () -> {
      for (Object event : tier.get(node, "/api/v1/events").json().getJsonArray("events")) {
        if ("merged-back".equals(((JsonObject) event).getString("type"))) {
          found[0] = (JsonObject) event;
          return true;
        }
      }
      return false;
    });
    assertTrue(seen, "lb-" + node + " reports merging back into the tier");
    return found[0];
  }

  /** Every broker is healthy on the node and no live member votes one down. */
  private static boolean allHealthyWithoutDownVotes(int node) {
    return tier.brokersById(node).values().stream()
        .allMatch(broker -> broker.getBoolean("healthy") && broker.getJsonArray("seenDownBy").isEmpty());
  }

  private static void awaitOn(List<Integer> nodes, String what, java.util.function.IntPredicate condition)
      throws InterruptedException {
    boolean done = ClusterTier.poll(Duration.ofSeconds(10), 50, () -> nodes.stream().allMatch(condition::test));
    if (!done) {
      for (int node : nodes) {
        System.err.printf("lb-%d: mode %s brokers %s table %s%n", node, tier.mode(node), tier.brokerList(node),
            tier.tableEntries(node));
      }
    }
    assertTrue(done, "nodes " + nodes + " did not reach: " + what);
  }

  private static String brokerLine(String id, int weight) {
    return id + "=127.0.0.1:" + tier.broker(id).port() + "×" + weight;
  }

  private static long millisSince(long nanoTime) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
  }
}
