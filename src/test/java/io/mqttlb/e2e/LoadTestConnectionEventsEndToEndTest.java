package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.loadtest.Assertion;
import io.mqttlb.loadtest.Injection;
import io.mqttlb.loadtest.LoadTest;
import io.mqttlb.loadtest.LoadTestOptions;
import io.mqttlb.loadtest.LoadTestResult;
import io.mqttlb.loadtest.RunMetric;
import io.mqttlb.loadtest.Scenario;
import io.mqttlb.loadtest.Simulation;
import io.mqttlb.loadtest.StickinessMethod;
import io.mqttlb.loadtest.Step;
import io.mqttlb.loadtest.Target;
import io.mqttlb.testing.AedesBroker;
import io.mqttlb.testing.EndToEnd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stickiness learned from the brokers' own connection events, with real brokers that publish them:
 * three Aedes brokers (each announces a connecting client on {@code $SYS/<id>/new/clients}) behind
 * a node in hash mode. Through the node every reconnect is announced by the broker of the first
 * connection; straight at the brokers, reconnecting through the next one is announced by another.
 */
@EndToEnd
class LoadTestConnectionEventsEndToEndTest {
  private static final int USERS = 30;

  private static final List<AedesBroker> brokers = new ArrayList<>();
  private static LocalTier tier;

  @BeforeAll
  static void startTier() throws Exception {
    List<BrokerConfig> configs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      AedesBroker broker = AedesBroker.start("a" + i);
      brokers.add(broker);
      configs.add(new BrokerConfig(broker.id(), "127.0.0.1", broker.port(), 1));
    }
    tier = LocalTier.start(0, config -> config.withBrokers(configs));
  }

  @AfterAll
  static void stopTier() throws Exception {
    try {
      if (tier != null) {
        tier.close();
      }
    } finally {
      brokers.forEach(AedesBroker::close);
    }
  }

  /** The brokers' own addresses, by id: the event monitor listens on each. */
  private static Map<String, Target> brokerAddresses() {
    Map<String, Target> addresses = new LinkedHashMap<>();
    brokers.forEach(b -> addresses.put(b.id(), new Target("127.0.0.1", b.port())));
    return addresses;
  }

  /** Persistent MQTT 3.1.1 devices (Aedes speaks no MQTT 5): a message to themselves, drop, back through the next target. */
  private static Simulation simulation(String clientIdPrefix) {
    return Simulation.simulation("e2e-connection-events").markerTopic(null)
        .scenarios(Scenario.scenario("devices").protocol(3).clientIdPrefix(clientIdPrefix)
            .connect(false, Duration.ZERO, Duration.ofSeconds(30))
            .subscribe("ce/${clientId}", 1)
            .publish("ce/${clientId}", 1, 32, 2, 0)
            .expect("ce/${clientId}", 2, Duration.ofSeconds(5))
            .disconnect()
            .reconnect(Step.Through.NEXT, false)
            .inject(Injection.rampUsers(USERS).during(Duration.ofMillis(300))))
        .assertions(Assertion.metric(RunMetric.STICKINESS_PERCENT).gte(99.9), Assertion.metric(RunMetric.FAILURES_TOTAL).eq(0));
  }

  @Test
  void throughTheNodeEveryReconnectIsAnnouncedByTheSameBroker() throws Exception {
    // The node twice: "the next target" is the same node, as a second node of the tier would route alike.
    List<Target> node = List.of(new Target("127.0.0.1", tier.port()), new Target("127.0.0.1", tier.port()));
    LoadTestResult result = LoadTest.run(simulation("ce-tier-"), new LoadTestOptions().setTargets(node)
        .setBrokers(brokerAddresses()).setStickiness(StickinessMethod.CONNECTION_EVENTS));
    JsonObject summary = result.summary();

    assertTrue(result.ok(), summary.encodePrettily());
    JsonObject stickiness = summary.getJsonObject("stickiness");
    assertEquals("connection-events", stickiness.getString("method"));
    assertEquals(USERS, stickiness.getLong("reconnects"));
    assertEquals(USERS, stickiness.getLong("sameBroker"));
    assertEquals(new JsonArray(), summary.getJsonArray("warnings"));
    // every user counted at the broker that announced it, which is the one the ring gives its client id
    Map<String, Long> expected = new LinkedHashMap<>();
    for (int i = 0; i < USERS; i++) {
      expected.merge(tier.ringOwner("ce-tier-" + String.format("%06d", i)), 1L, Long::sum);
    }
    Map<String, Long> announced = new LinkedHashMap<>();
    summary.getJsonObject("brokers").forEach(e -> announced.put(e.getKey(), ((Number) e.getValue()).longValue()));
    assertEquals(expected.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList(),
        announced.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList());
  }

  @Test
  void straightAtTheBrokersReconnectingThroughTheNextOneIsAnnouncedByAnother() throws Exception {
    List<Target> direct = new ArrayList<>(brokerAddresses().values());
    LoadTestResult result = LoadTest.run(simulation("ce-direct-"), new LoadTestOptions().setTargets(direct)
        .setBrokers(brokerAddresses()).setStickiness(StickinessMethod.CONNECTION_EVENTS));
    JsonObject summary = result.summary();

    JsonObject stickiness = summary.getJsonObject("stickiness");
    assertEquals("connection-events", stickiness.getString("method"), summary.encodePrettily());
    assertEquals(USERS, stickiness.getLong("reconnects"));
    assertEquals(USERS, stickiness.getLong("moved"));
    assertEquals(0.0, stickiness.getDouble("percent"));
    assertFalse(result.ok());
    assertEquals("FAILED stickiness.percent gte 99.9 (actual 0)", result.assertions().get(0).toString());
    assertTrue(result.assertions().get(1).ok(), summary.getJsonObject("failuresByCause").encode());
  }
}
