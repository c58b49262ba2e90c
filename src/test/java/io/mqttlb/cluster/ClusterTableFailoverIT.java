package io.mqttlb.cluster;

import static io.mqttlb.cluster.FleetChecks.report;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.routing.HashRing;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.Fleet;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broker health, failover and rebalance end to end in {@code table} mode, in ordered steps over
 * one tier (three node JVMs, three Mosquitto processes) and one fleet of 1,000 persistent-session clients: a killed broker's
 * clients reach their ring successors and their sticky entries follow them, so when the broker
 * returns nobody is pulled back, not by new connections and not by a rebalance.
 */
@EndToEnd
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTableFailoverIT {
  private static final String TEST = "table";
  private static final int CLIENTS = 1000;
  private static final int RATE = 100;
  private static final String VICTIM = "b3";
  private static final String PREFIX = "tfleet-";
  private static final int BOUNCED = 60;
  private static final ClusterTier.Health HEALTH = ClusterTier.Health.fast();
  private static final Duration RECONNECT_MARGIN = Duration.ofSeconds(3);

  static ClusterTier tier;
  static Fleet fleet;
  static List<String> ids;
  static final HashRing ring = ClusterTier.expectedRing(ClusterTier.equalWeights());
  static Map<String, String> owners;
  /** Where each client belongs once the victim died: its owner, or for the victim's clients their successor. */
  static Map<String, String> afterKill;
  static long killedAtMillis;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTierAndFleet() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults().withMode("table").withHealth(HEALTH));
    ids = IntStream.range(0, CLIENTS).mapToObj(i -> PREFIX + "%04d".formatted(i)).toList();
    owners = ClusterTier.ringOwners(ring, ids, Set.of());
    afterKill = new HashMap<>(owners);
    owners.forEach((id, owner) -> {
      if (owner.equals(VICTIM)) {
        afterKill.put(id, ClusterTier.ringOwner(ring, id, Set.of(VICTIM)));
      }
    });
    long started = System.nanoTime();
    fleet = Fleet.connect(ids, tier.nodePorts());
    fleet.awaitAllConnected(Duration.ofSeconds(60));
    report(TEST, "%d clients connected with their markers in %d ms", CLIENTS, (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  @Order(1)
  void everyClientLandsOnItsRingOwnerAndItsStickyEntryNamesIt() throws Exception {
    fleet.awaitOn(owners, Duration.ofSeconds(10));
    report(TEST, "spread over 3 brokers: %s", fleet.distribution());
    awaitStickyEntries(owners, "a sticky entry naming its ring owner for every client");
  }

  @Test
  @Order(2)
  void aKilledBrokersClientsReachTheirSuccessorsAndTheirStickyEntriesFollow() throws Exception {
    Map<String, String> successors = new HashMap<>();
    afterKill.forEach((id, broker) -> {
      if (!broker.equals(owners.get(id))) {
        successors.put(id, broker);
      }
    });
    long killed = System.nanoTime();
    killedAtMillis = System.currentTimeMillis();
    tier.killBroker(VICTIM);
    fleet.awaitOn(afterKill, Duration.ofSeconds(30));
    long max = FleetChecks.failoverMillis(TEST, fleet, successors, killed, "kill -9 of " + VICTIM);
    Duration bound = HEALTH.window().plus(RECONNECT_MARGIN);
    assertTrue(max <= bound.toMillis(), "every client of " + VICTIM + " reached its successor within "
        + bound.toMillis() + " ms; the slowest took " + max + " ms");
    FleetChecks.assertDisconnectedExactly(fleet, successors.keySet(), killed,
        "the kill disconnects the clients of " + VICTIM + " and nobody else");
    FleetChecks.assertDisconnectedOnce(fleet, successors.keySet(), killed, "clients of " + VICTIM);
    awaitStickyEntries(afterKill, "the sticky entries of " + VICTIM + "'s clients name their successors");
  }

  @Test
  @Order(3)
  void everyNodeSeesTheKilledBrokerDown() throws Exception {
    Map<Integer, JsonObject> entries = FleetChecks.awaitHealthy(tier, VICTIM, false, HEALTH.window().plusSeconds(10));
    FleetChecks.disagreementMillis(TEST, entries, killedAtMillis, VICTIM + " down");
  }

  @Test
  @Order(4)
  void theRestartedBrokerPullsNobodyBack() throws Exception {
    long restarted = System.nanoTime();
    tier.restartBroker(VICTIM);
    // An absence is checked over a window: long enough for every node to see the broker rise.
    Thread.sleep(HEALTH.window().plus(HEALTH.interval().multipliedBy(HEALTH.rise() + 1)).toMillis());
    List<String> disconnected = fleet.disconnectedSince(restarted);
    assertTrue(disconnected.isEmpty(), "nobody moves back by itself; disconnected: " + disconnected.size()
        + " " + disconnected.stream().limit(5).toList());

    // Every node routes each client to where its session now is, by its sticky entry.
    Map<String, String> expectedRoutes = new HashMap<>();
    afterKill.forEach((id, broker) -> expectedRoutes.put(id, broker + "/sticky"));
    for (int node = 1; node <= ClusterTier.NODES; node++) {
      ClusterRoutingIT.assertSameRoutes(expectedRoutes, tier.routes(node, ids), "lb-" + node + " with " + VICTIM + " back");
    }
    // Real new connections of the moved clients reach their successors, not the returned broker.
    List<String> moved = ids.stream().filter(id -> !afterKill.get(id).equals(owners.get(id))).limit(BOUNCED).toList();
    long bounced = System.nanoTime();
    fleet.bounce(moved);
    fleet.awaitOn(afterKill, Duration.ofSeconds(20));
    for (String id : moved) {
      assertTrue(fleet.firstLandingSince(id, bounced, afterKill.get(id)) != null,
          id + " reconnected to " + afterKill.get(id) + ": " + fleet.landings(id));
    }
    assertTrue(fleet.disconnectedSince(restarted).isEmpty(), "no client was disconnected by the tier since the restart");
    awaitStickyEntries(afterKill, "sticky entries still name the successors");
    report(TEST, "after the restart of %s and %d new connections: %s", VICTIM, moved.size(), fleet.distribution());
  }

  @Test
  @Order(5)
  void everyNodeSeesTheRestartedBrokerHealthy() throws Exception {
    FleetChecks.awaitHealthy(tier, VICTIM, true, HEALTH.window().plusSeconds(10));
  }

  @Test
  @Order(6)
  void aRebalanceMovesNobodyBecauseRoutingPicksTheStickyBroker() throws Exception {
    long since = System.nanoTime();
    JsonObject job = FleetChecks.accepted(tier.rebalance(2, RATE), "rebalance", 0, "rebalance in table mode");
    FleetChecks.assertMovesFinished(FleetChecks.awaitMovesDone(tier, 2, job.getString("id"), Duration.ofSeconds(10)),
        "rebalance", 0, "status.moves after the rebalance");
    List<String> disconnected = fleet.disconnectedSince(since);
    assertTrue(disconnected.isEmpty(), "a rebalance in table mode moves nobody: " + disconnected.size());
    assertTrue(FleetChecks.misplaced(fleet, afterKill).isEmpty(), "everyone is where the kill sent them");
  }

  /** Waits until every node's sticky entries for the fleet are exactly {@code expected}. */
  private static void awaitStickyEntries(Map<String, String> expected, String what) throws InterruptedException {
    Map<Integer, String> differences = new TreeMap<>();
    try {
      tier.awaitAll(Duration.ofSeconds(10), what, node -> {
        Map<String, String> sticky = stickyEntries(node);
        int wrong = 0;
        String example = null;
        for (Map.Entry<String, String> entry : expected.entrySet()) {
          if (!entry.getValue().equals(sticky.get(entry.getKey()))) {
            wrong++;
            example = example != null ? example : entry.getKey() + " -> " + sticky.get(entry.getKey())
                + " (expected " + entry.getValue() + ")";
          }
        }
        differences.put(node, wrong + " of " + expected.size() + " differ, e.g. " + example);
        return wrong == 0;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + differences, e);
    }
  }

  /** The fleet's sticky entries on one node, key to broker. */
  private static Map<String, String> stickyEntries(int node) {
    JsonObject table = tier.table(node, "prefix=" + PREFIX + "&limit=" + (CLIENTS + 100));
    Map<String, String> sticky = new HashMap<>();
    for (Object o : table.getJsonArray("entries")) {
      JsonObject entry = (JsonObject) o;
      if ("sticky".equals(entry.getString("kind"))) {
        sticky.put(entry.getString("key"), entry.getString("broker"));
      }
    }
    return sticky;
  }
}
