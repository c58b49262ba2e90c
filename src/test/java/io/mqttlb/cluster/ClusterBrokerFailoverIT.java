package io.mqttlb.cluster;

import static io.mqttlb.cluster.FleetChecks.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.routing.HashRing;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.Fleet;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broker health, failover, drain and rebalance end to end in {@code hash} mode, as one story told
 * in ordered steps over one tier (three node JVMs, three Mosquitto processes) and one fleet of 1,000 persistent-session clients: a
 * broker is killed and restarted, the tier is rebalanced, a fourth broker joins, a broker is
 * drained and enabled again. Each step starts from where the previous one left the fleet and
 * computes what it expects from the fleet's current placement and from rings built here, so a
 * failed step does not hide what the next one checks.
 *
 * <p>The fleet's clients reconnect by themselves, through the next node, a short random delay
 * after any break; where each one is comes from its broker's retained marker.
 */
@EndToEnd
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterBrokerFailoverIT {
  private static final String TEST = "hash";
  private static final int CLIENTS = 1000;
  private static final int RATE = 100;
  private static final String VICTIM = "b2";
  private static final String DRAINED = "b1";
  private static final ClusterTier.Health HEALTH = ClusterTier.Health.fast();
  /** What a client needs beyond the health window: its reconnect delay, a redispatch, its marker, on a busy 2-core machine. */
  private static final Duration RECONNECT_MARGIN = Duration.ofSeconds(3);

  static ClusterTier tier;
  static Fleet fleet;
  static List<String> ids;
  static HashRing ring3 = ClusterTier.expectedRing(ClusterTier.equalWeights());
  static HashRing ring4;
  static long killedAtMillis;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTierAndFleet() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults().withMode("hash").withHealth(HEALTH));
    ids = IntStream.range(0, CLIENTS).mapToObj(i -> "fleet-%04d".formatted(i)).toList();
    long started = System.nanoTime();
    fleet = Fleet.connect(ids, tier.nodePorts());
    fleet.awaitAllConnected(Duration.ofSeconds(60));
    report(TEST, "%d clients connected with their markers in %d ms; clients per node %s; test JVM: %d threads, %d MiB heap used",
        CLIENTS, (System.nanoTime() - started) / 1_000_000, clientsPerNode(), Thread.activeCount(),
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
  }

  /** Each node's {@code status.clients}: the fleet reconnects through the next node, so these shift as clients move. */
  static List<Long> clientsPerNode(ClusterTier tier) {
    List<Long> counts = new ArrayList<>();
    for (int node = 1; node <= ClusterTier.NODES; node++) {
      counts.add(tier.status(node).getLong("clients"));
    }
    return counts;
  }

  private static List<Long> clientsPerNode() {
    return clientsPerNode(tier);
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
  void everyClientLandsOnItsRingOwner() throws Exception {
    Map<String, String> owners = ClusterTier.ringOwners(ring3, ids, Set.of());
    fleet.awaitOn(owners, Duration.ofSeconds(10));
    Map<String, Integer> spread = fleet.distribution();
    report(TEST, "spread over 3 brokers: %s", spread);
    assertEquals(Set.of("b1", "b2", "b3"), spread.keySet());
    List<String> disconnected = ids.stream().filter(id -> !fleet.disconnects(id).isEmpty()).toList();
    assertTrue(disconnected.isEmpty(), "nobody was disconnected while the fleet connected: " + disconnected);
  }

  @Test
  @Order(2)
  void aKilledBrokersClientsReachTheirSuccessorsAndNoOtherClientIsDisconnected() throws Exception {
    Map<String, String> owners = ClusterTier.ringOwners(ring3, ids, Set.of());
    Map<String, String> successors = new HashMap<>();
    owners.forEach((id, owner) -> {
      if (owner.equals(VICTIM)) {
        successors.put(id, ClusterTier.ringOwner(ring3, id, Set.of(VICTIM)));
      }
    });
    Map<String, String> expected = new HashMap<>(owners);
    expected.putAll(successors);

    long killed = System.nanoTime();
    killedAtMillis = System.currentTimeMillis();
    tier.killBroker(VICTIM);
    fleet.awaitOn(expected, Duration.ofSeconds(30));
    long max = FleetChecks.failoverMillis(TEST, fleet, successors, killed, "kill -9 of " + VICTIM);
    Duration bound = HEALTH.window().plus(RECONNECT_MARGIN);
    assertTrue(max <= bound.toMillis(), "every client of " + VICTIM + " reached its successor within the health "
        + "window plus a reconnect margin (" + bound.toMillis() + " ms); the slowest took " + max + " ms");
    FleetChecks.assertDisconnectedExactly(fleet, successors.keySet(), killed,
        "the kill disconnects the clients of " + VICTIM + " and nobody else");
    FleetChecks.assertDisconnectedOnce(fleet, successors.keySet(), killed, "clients of " + VICTIM);
    report(TEST, "after the kill: %s; clients per node %s", fleet.distribution(), clientsPerNode());
  }

  @Test
  @Order(3)
  void everyNodeSeesTheKilledBrokerDown() throws Exception {
    Map<Integer, JsonObject> entries = FleetChecks.awaitHealthy(tier, VICTIM, false, HEALTH.window().plusSeconds(10));
    FleetChecks.disagreementMillis(TEST, entries, killedAtMillis, VICTIM + " down");
    for (int node = 1; node <= ClusterTier.NODES; node++) {
      Map<String, JsonObject> brokers = tier.brokersById(node);
      for (String other : List.of("b1", "b3")) {
        assertEquals(Boolean.TRUE, brokers.get(other).getBoolean("healthy"), "lb-" + node + ": " + brokers.get(other));
      }
    }
  }

  @Test
  @Order(4)
  void theRestartedBrokerPullsNobodyBackInHashMode() throws Exception {
    long restarted = System.nanoTime();
    tier.restartBroker(VICTIM);
    // An absence is checked over a window: long enough for every node to see the broker rise.
    Thread.sleep(HEALTH.window().plus(HEALTH.interval().multipliedBy(HEALTH.rise() + 1)).toMillis());
    List<String> disconnected = fleet.disconnectedSince(restarted);
    assertTrue(disconnected.isEmpty(), "nobody moves back by itself; disconnected: " + disconnected.size()
        + " " + disconnected.stream().limit(5).toList());
    report(TEST, "after the restart of %s: %s", VICTIM, fleet.distribution());
  }

  @Test
  @Order(5)
  void everyNodeSeesTheRestartedBrokerHealthyAndRoutesToItAgain() throws Exception {
    FleetChecks.awaitHealthy(tier, VICTIM, true, HEALTH.window().plusSeconds(10));
    List<String> sample = ids.subList(0, 200);
    Map<String, String> expected = new HashMap<>();
    sample.forEach(id -> expected.put(id, ClusterTier.ringOwner(ring3, id) + "/ring"));
    for (int node = 1; node <= ClusterTier.NODES; node++) {
      ClusterRoutingIT.assertSameRoutes(expected, tier.routes(node, sample), "lb-" + node + " with " + VICTIM + " back");
    }
  }

  @Test
  @Order(6)
  void aRebalanceMovesExactlyTheClientsWhoseOwnerChangedAtItsRate() throws Exception {
    Map<String, String> owners = ClusterTier.ringOwners(ring3, ids, Set.of());
    Set<String> movers = FleetChecks.misplaced(fleet, owners);
    Set<String> victims = new TreeSet<>(ids.stream().filter(id -> owners.get(id).equals(VICTIM)).toList());
    FleetChecks.assertSameClients(victims, movers,
        "before the rebalance, exactly the clients of " + VICTIM + " are off their owner");
    rebalanceAndCheck(owners, movers, "rebalance after " + VICTIM + " came back");
  }

  @Test
  @Order(7)
  void aBrokerAddedAtRunTimeReceivesAboutAQuarterOfTheClientsAfterARebalance() throws Exception {
    long added = System.nanoTime();
    tier.addBroker(1, "b4");
    Map<String, Integer> weights = ClusterTier.equalWeights();
    weights.put("b4", 1);
    ring4 = ClusterTier.expectedRing(weights);
    Map<String, String> owners = ClusterTier.ringOwners(ring4, ids, Set.of());
    // New connections follow the new ring on every node at once; existing ones are not cut.
    Map<String, String> expectedRoutes = new HashMap<>();
    owners.forEach((id, owner) -> expectedRoutes.put(id, owner + "/ring"));
    for (int node = 1; node <= ClusterTier.NODES; node++) {
      ClusterRoutingIT.assertSameRoutes(expectedRoutes, tier.routes(node, ids), "lb-" + node + " with b4");
    }
    assertTrue(fleet.disconnectedSince(added).isEmpty(), "adding a broker cuts nobody");

    Set<String> changed = new TreeSet<>(ids.stream().filter(id -> !owners.get(id).equals(ClusterTier.ringOwner(ring3, id)))
        .toList());
    double share = changed.size() / (double) CLIENTS;
    report(TEST, "b4 added: the owner of %d of %d clients (%.1f%%) changed", changed.size(), CLIENTS, 100 * share);
    assertTrue(share >= 0.15 && share <= 0.35, "about 1/4 of the clients change owner: " + share);
    List<String> notToB4 = changed.stream().filter(id -> !owners.get(id).equals("b4")).toList();
    assertTrue(notToB4.isEmpty(), "only clients whose owner became b4 change owner: " + notToB4.size());
    Set<String> movers = FleetChecks.misplaced(fleet, owners);
    FleetChecks.assertSameClients(changed, movers,
        "before the rebalance, exactly the clients whose owner became b4 are off their owner");
    rebalanceAndCheck(owners, movers, "rebalance after b4 joined");
  }

  @Test
  @Order(8)
  void aDrainEmptiesItsBrokerAtItsRateAndNewClientsSkipIt() throws Exception {
    HashRing ring = ring4 != null ? ring4 : ring3;
    Map<String, String> successors = new HashMap<>();
    for (String id : ids) {
      successors.put(id, ClusterTier.ringOwner(ring, id, Set.of(DRAINED)));
    }
    Set<String> movers = new TreeSet<>(fleet.clientsOn(DRAINED));
    long since = System.nanoTime();
    JsonObject job = FleetChecks.accepted(tier.drain(2, DRAINED, RATE), "drain", movers.size(), "drain " + DRAINED);
    Map<String, String> expected = new HashMap<>();
    ids.forEach(id -> expected.put(id, movers.contains(id) ? successors.get(id) : fleet.brokerOf(id)));
    fleet.awaitOn(expected, Duration.ofSeconds(movers.size() / RATE + 20));
    assertTrue(fleet.clientsOn(DRAINED).isEmpty(), DRAINED + " is empty");
    FleetChecks.assertDisconnectedExactly(fleet, movers, since, "the drain of " + DRAINED);
    FleetChecks.assertDisconnectedOnce(fleet, movers, since, "clients of " + DRAINED);
    FleetChecks.assertUseAnotherServer(fleet, movers, since, "clients of " + DRAINED);
    FleetChecks.assertRate(TEST, fleet, movers, since, RATE, "drain of " + DRAINED);
    FleetChecks.assertMovesFinished(
        FleetChecks.awaitMovesDone(tier, 1, job.getString("id"), Duration.ofSeconds(10)), "drain", movers.size(),
        "status.moves after the drain");
    tier.awaitAll(Duration.ofSeconds(5), DRAINED + " drained=true",
        node -> Boolean.TRUE.equals(tier.brokersById(node).get(DRAINED).getBoolean("drained")));
    // New clients that the ring gives to the drained broker go to its successor, through any node.
    List<String> newcomers = newIdsOwnedBy(ring, DRAINED, 9);
    for (int i = 0; i < newcomers.size(); i++) {
      String id = newcomers.get(i);
      String reached = Clients.brokerReachedMqtt3(id, tier.nodePort(1 + i % ClusterTier.NODES));
      assertNotEquals(DRAINED, reached, "a new client " + id + " never lands on the drained " + DRAINED);
      assertEquals(successors.computeIfAbsent(id, k -> ClusterTier.ringOwner(ring, k, Set.of(DRAINED))), reached);
    }
  }

  @Test
  @Order(9)
  void anEnabledBrokerTakesNewClientsAgain() throws Exception {
    HashRing ring = ring4 != null ? ring4 : ring3;
    long since = System.nanoTime();
    ClusterTier.Reply reply = tier.enable(3, DRAINED);
    assertEquals(200, reply.status(), "enable " + DRAINED + ": " + reply);
    assertEquals(DRAINED, reply.json().getString("enabled"));
    tier.awaitAll(Duration.ofSeconds(5), DRAINED + " drained=false",
        node -> Boolean.FALSE.equals(tier.brokersById(node).get(DRAINED).getBoolean("drained")));
    List<String> newcomers = newIdsOwnedBy(ring, DRAINED, 6);
    tier.awaitAll(Duration.ofSeconds(5), "routes a new client of " + DRAINED + " to it",
        node -> newcomers.stream().allMatch(id -> DRAINED.equals(tier.route(node, id).getString("broker"))));
    for (int i = 0; i < newcomers.size(); i++) {
      assertEquals(DRAINED, Clients.brokerReachedMqtt3(newcomers.get(i), tier.nodePort(1 + i % ClusterTier.NODES)),
          "a new client owned by " + DRAINED + " lands on it again");
    }
    assertTrue(fleet.disconnectedSince(since).isEmpty(), "enabling a broker cuts nobody");
  }

  /** Rebalances at {@link #RATE} and checks that exactly {@code movers} moved, once each, to {@code owners}. */
  private static void rebalanceAndCheck(Map<String, String> owners, Set<String> movers, String what) throws Exception {
    long since = System.nanoTime();
    JsonObject job = FleetChecks.accepted(tier.rebalance(1, RATE), "rebalance", movers.size(), what);
    fleet.awaitOn(owners, Duration.ofSeconds(movers.size() / RATE + 20));
    FleetChecks.assertDisconnectedExactly(fleet, movers, since, what);
    FleetChecks.assertDisconnectedOnce(fleet, movers, since, what);
    FleetChecks.assertUseAnotherServer(fleet, movers, since, what);
    FleetChecks.assertRate(TEST, fleet, movers, since, RATE, what);
    FleetChecks.assertMovesFinished(
        FleetChecks.awaitMovesDone(tier, 1, job.getString("id"), Duration.ofSeconds(10)), "rebalance", movers.size(),
        "status.moves after the " + what);
    assertTrue(FleetChecks.misplaced(fleet, owners).isEmpty(), "every client is on its ring owner after the " + what);
  }

  /** {@code count} client ids outside the fleet whose owner on {@code ring} is {@code broker}. */
  private static List<String> newIdsOwnedBy(HashRing ring, String broker, int count) {
    List<String> found = new ArrayList<>();
    for (int i = 0; found.size() < count; i++) {
      String id = "newcomer-" + System.nanoTime() % 100_000 + "-" + i;
      if (ClusterTier.ringOwner(ring, id).equals(broker)) {
        found.add(id);
      }
    }
    return found;
  }
}
