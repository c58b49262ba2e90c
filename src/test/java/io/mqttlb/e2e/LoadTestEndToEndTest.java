package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.mqttlb.loadtest.Assertion;
import io.mqttlb.loadtest.Injection;
import io.mqttlb.loadtest.LoadTest;
import io.mqttlb.loadtest.LoadTestOptions;
import io.mqttlb.loadtest.LoadTestResult;
import io.mqttlb.loadtest.RunMetric;
import io.mqttlb.loadtest.Scenario;
import io.mqttlb.loadtest.Simulation;
import io.mqttlb.loadtest.Step;
import io.mqttlb.loadtest.Target;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.loadtest.AssertionResult;
import io.mqttlb.loadtest.StickinessMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The load-test engine against real Mosquitto brokers: through two standalone nodes in hash mode
 * (which route alike), every reconnect through the other node reaches the same broker; straight at
 * the brokers, reconnecting through the next one moves every client. The same simulation measures
 * both, so stickiness is measured, not assumed: by the brokers' retained markers, and again by
 * CONNACK's session-present flag (Mosquitto brokers share no sessions). Without markers nothing
 * is measured, and the report says so instead of 100%.
 */
@EndToEnd
class LoadTestEndToEndTest {
  private static final int USERS_PER_PROTOCOL = 25;
  private static final int MESSAGES = 5;

  private static LocalTier tier;
  private static BalancerNode second;

  @BeforeAll
  static void startTier() throws Exception {
    tier = LocalTier.start(3);
    second = BalancerNode.start(tier.node.config().withNodeId("lb-test-2")).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopTier() throws Exception {
    try {
      if (second != null) {
        second.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      if (tier != null) {
        tier.close();
      }
    }
  }

  /** Persistent 3.1.1 and 5 clients: publish to themselves, expect it, drop, come back through the next target, again. */
  private static Simulation simulation() {
    return simulation("");
  }

  /** As {@link #simulation()}, with client ids of their own: sessions left by other tests cannot answer for them. */
  private static Simulation simulation(String clientIdTag) {
    return Simulation.simulation("e2e-reconnect")
        .markerTopic(MosquittoBroker.MARKER_TOPIC)
        .scenarios(devices(clientIdTag + "v5-", 5), devices(clientIdTag + "v3-", 3))
        .assertions(
            Assertion.metric(RunMetric.DELIVERY_LOST).eq(0),
            Assertion.metric(RunMetric.FAILURES_TOTAL).eq(0));
  }

  private static Scenario devices(String prefix, int protocol) {
    return Scenario.scenario("mqtt" + protocol).protocol(protocol).clientIdPrefix(prefix)
        .connect(false, Duration.ofHours(1), Duration.ofSeconds(30))
        .subscribe("lt/${clientId}", 1)
        .publish("lt/${clientId}", 1, 32, MESSAGES, 0)
        .expect("lt/${clientId}", MESSAGES, Duration.ofSeconds(5))
        .disconnect()
        .reconnect(Step.Through.NEXT, false)
        .subscribe("lt/${clientId}", 1)
        .publish("lt/${clientId}", 1, 32, MESSAGES, 0)
        .expect("lt/${clientId}", MESSAGES, Duration.ofSeconds(5))
        .inject(Injection.rampUsers(USERS_PER_PROTOCOL).during(Duration.ofMillis(500)));
  }

  @Test
  void throughTheTierEveryReconnectReachesTheSameBroker() throws Exception {
    List<Target> nodes = List.of(new Target("127.0.0.1", tier.port()), new Target("127.0.0.1", second.port()));
    List<String> lines = new ArrayList<>();
    LoadTestResult result = LoadTest.run(simulation(), new LoadTestOptions().setTargets(nodes).setConsole(lines::add));
    JsonObject summary = result.summary();

    int users = 2 * USERS_PER_PROTOCOL;
    assertTrue(result.ok(), summary.encodePrettily());
    JsonObject totals = summary.getJsonObject("totals");
    assertEquals(users, totals.getLong("users"));
    assertEquals(2L * users, totals.getLong("connects"));
    assertEquals(2L * users * MESSAGES, totals.getLong("messagesSent"));
    // QoS 1 at least once: a message whose PUBACK was in flight at the disconnect comes again after the
    // reconnect; it is a duplicate, not a second delivery
    assertEquals(2L * users * MESSAGES, totals.getLong("messagesReceived"));
    assertTrue(totals.getLong("messagesDuplicated") >= 0, totals.encode());
    assertEquals(0L, totals.getLong("deliveryLost"));
    JsonObject stickiness = summary.getJsonObject("stickiness");
    assertEquals(users, stickiness.getLong("reconnects"));
    assertEquals(users, stickiness.getLong("sameBroker"));
    assertEquals(100.0, stickiness.getDouble("percent"));
    assertEquals("markers", stickiness.getString("method"));
    assertEquals(100.0, result.metric(RunMetric.STICKINESS_PERCENT));
    assertEquals(new JsonArray(), summary.getJsonArray("warnings"));
    // every user counted once, at the broker the ring gives its client id
    JsonObject brokers = summary.getJsonObject("brokers");
    assertEquals(users, brokers.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum());
    for (int i = 0; i < USERS_PER_PROTOCOL; i++) {
      assertTrue(brokers.containsKey(tier.ringOwner("v5-" + String.format("%06d", i))));
    }
    assertEquals(2L * users, summary.getJsonObject("latency").getJsonObject("connack").getLong("count"));
    assertTrue(summary.getJsonObject("latency").getJsonObject("publishToReceive").getDouble("p99") > 0);
    System.out.println("through the tier: " + totals.encode() + " " + stickiness.encode() + " " + brokers.encode()
        + " connack " + summary.getJsonObject("latency").getJsonObject("connack").encode());
  }

  /**
   * A message that arrives twice counts once. Re-subscribing makes Mosquitto send the retained
   * message again, with the same id in its payload: one received, one duplicate, and an expect of
   * two is not satisfied by it.
   */
  @Test
  void theSameMessageTwiceIsADuplicateNotASecondDelivery() throws Exception {
    MosquittoBroker broker = tier.brokers.get(0);
    Mqtt3BlockingClient publisher = Clients.mqtt3("lt-retainer", broker.port());
    publisher.connect();
    byte[] payload = ByteBuffer.allocate(Step.Publish.MIN_PAYLOAD_BYTES).putLong(0).putLong(Long.MAX_VALUE - 7).array();
    publisher.publishWith().topic("lt-dup/retained").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(payload).send();
    publisher.disconnect();
    Simulation twice = Simulation.simulation("e2e-duplicate")
        .scenarios(Scenario.scenario("resubscriber").protocol(5).clientIdPrefix("dup-")
            .connect()
            .subscribe("lt-dup/retained", 1)
            .expect("lt-dup/retained", 1, Duration.ofSeconds(5))
            .subscribe("lt-dup/retained", 1)
            .expect("lt-dup/retained", 1, Duration.ofSeconds(1))
            .disconnect()
            .inject(Injection.atOnceUsers(1)))
        .assertions(Assertion.metric(RunMetric.MESSAGES_DUPLICATED).eq(0));
    try {
      LoadTestResult result = LoadTest.run(twice, new LoadTestOptions().setTargets(List.of(new Target("127.0.0.1", broker.port()))));
      JsonObject totals = result.summary().getJsonObject("totals");
      assertEquals(1L, totals.getLong("messagesReceived"), totals.encode());
      assertEquals(1L, totals.getLong("messagesDuplicated"), totals.encode());
      assertEquals(1.0, result.metric(RunMetric.MESSAGES_DUPLICATED));
      assertEquals(1L, result.summary().getJsonObject("failuresByCause").getLong("expect-timeout"), "the second expect waited in vain");
      assertFalse(result.ok(), "the duplicates assertion fails");
    } finally {
      Mqtt3BlockingClient cleaner = Clients.mqtt3("lt-retainer", broker.port());
      cleaner.connect();
      cleaner.publishWith().topic("lt-dup/retained").retain(true).payload(new byte[0]).send();
      cleaner.disconnect();
    }
  }

  @Test
  void straightAtTheBrokersReconnectingThroughTheNextOneMovesEveryClient() throws Exception {
    List<Target> brokers = tier.brokers.stream().map(b -> new Target("127.0.0.1", b.port())).toList();
    Simulation expectingStickiness = simulation().assertions(Assertion.metric(RunMetric.STICKINESS_PERCENT).gte(99.9));
    LoadTestResult result = LoadTest.run(expectingStickiness, new LoadTestOptions().setTargets(brokers));
    JsonObject summary = result.summary();

    int users = 2 * USERS_PER_PROTOCOL;
    JsonObject stickiness = summary.getJsonObject("stickiness");
    assertEquals(users, stickiness.getLong("reconnects"), summary.encodePrettily());
    assertEquals(users, stickiness.getLong("moved"));
    assertEquals(0.0, stickiness.getDouble("percent"));
    assertEquals(0L, summary.getJsonObject("totals").getLong("deliveryLost"));
    assertFalse(result.ok(), "the stickiness assertion must fail");
    assertFalse(summary.getBoolean("ok"));
    JsonObject failed = summary.getJsonArray("assertions").getJsonObject(2);
    assertEquals("stickiness.percent", failed.getString("metric"));
    assertEquals("0", failed.getString("actual"));
    assertFalse(failed.getBoolean("ok"));
    // spread round-robin by user number, then one broker on: every broker holds some users at the end
    JsonObject perBroker = summary.getJsonObject("brokers");
    assertEquals(3, perBroker.size(), perBroker.encode());
    System.out.println("straight at the brokers: " + stickiness.encode() + " " + perBroker.encode());
  }

  /**
   * The brokers hold no retained message on the marker topic: no reconnect can be classified. The
   * stickiness assertion fails saying "not measured" (it would have passed on the old 100%), the
   * missing marker is one warning naming --brokers, and no user counts a failure for it.
   */
  @Test
  void withoutMarkersStickinessIsNotMeasuredAndItsAssertionFailsSayingSo() throws Exception {
    List<Target> nodes = List.of(new Target("127.0.0.1", tier.port()), new Target("127.0.0.1", second.port()));
    Simulation unmarked = simulation("nm-").markerTopic("lt/no-broker-holds-this")
        .assertions(Assertion.metric(RunMetric.STICKINESS_PERCENT).gte(99.9));
    List<String> lines = new ArrayList<>();
    LoadTestResult result = LoadTest.run(unmarked, new LoadTestOptions().setTargets(nodes)
        .setMarkerWait(Duration.ofMillis(300)).setConsole(lines::add));
    JsonObject summary = result.summary();

    int users = 2 * USERS_PER_PROTOCOL;
    JsonObject stickiness = summary.getJsonObject("stickiness");
    assertEquals(0L, stickiness.getLong("reconnects"), summary.encodePrettily());
    assertNull(stickiness.getValue("percent"));
    assertNull(stickiness.getValue("method"));
    assertNull(stickiness.getValue("moved"));
    assertEquals("markers", stickiness.getString("tried"));
    assertEquals("no broker held a marker (publish them with --brokers)", stickiness.getString("note"));
    assertTrue(Double.isNaN(result.metric(RunMetric.STICKINESS_PERCENT)));

    JsonObject totals = summary.getJsonObject("totals");
    assertEquals(2L * users, totals.getLong("connects"), "a missing marker fails no connect");
    assertEquals(0L, totals.getLong("failures"), summary.getJsonObject("failuresByCause").encode());
    JsonArray warnings = summary.getJsonArray("warnings");
    assertEquals(1, warnings.size(), warnings.encodePrettily());
    assertTrue(warnings.getString(0).startsWith("no retained marker on lt/no-broker-holds-this within 300 ms"), warnings.getString(0));
    assertTrue(warnings.getString(0).contains("--brokers id=host:port"), warnings.getString(0));
    assertEquals(1, lines.stream().filter(l -> l.startsWith("warning: no retained marker")).count(), lines.toString());

    assertFalse(result.ok(), "an assertion on a figure nobody measured fails");
    AssertionResult sticky = result.assertions().get(2);
    assertEquals(RunMetric.STICKINESS_PERCENT, sticky.assertion().metric());
    assertFalse(sticky.ok());
    assertEquals("FAILED stickiness.percent gte 99.9 (actual not measured)", sticky.toString());
    assertEquals("not measured", summary.getJsonArray("assertions").getJsonObject(2).getString("actual"));
    assertTrue(result.assertions().get(0).ok() && result.assertions().get(1).ok(), "delivery and failures still hold");
  }

  @Test
  void bySessionPresentThroughTheTierEveryResumedSessionIsFound() throws Exception {
    List<Target> nodes = List.of(new Target("127.0.0.1", tier.port()), new Target("127.0.0.1", second.port()));
    Simulation bySession = simulation("sp-tier-").markerTopic(null).assertions(Assertion.metric(RunMetric.STICKINESS_PERCENT).eq(100));
    LoadTestResult result = LoadTest.run(bySession, new LoadTestOptions().setTargets(nodes)
        .setStickiness(StickinessMethod.SESSION_PRESENT));
    JsonObject summary = result.summary();

    int users = 2 * USERS_PER_PROTOCOL;
    assertTrue(result.ok(), summary.encodePrettily());
    JsonObject stickiness = summary.getJsonObject("stickiness");
    assertEquals("session-present", stickiness.getString("method"));
    assertEquals(users, stickiness.getLong("reconnects"), "each user's one reconnect, 3.1.1 and 5 alike");
    assertEquals(users, stickiness.getLong("sameBroker"));
    assertEquals(0L, stickiness.getLong("moved"));
    assertEquals(new JsonObject(), summary.getJsonObject("brokers"), "session-present does not name brokers");
  }

  @Test
  void bySessionPresentStraightAtTheBrokersReconnectingThroughTheNextOneMovesEveryClient() throws Exception {
    List<Target> brokers = tier.brokers.stream().map(b -> new Target("127.0.0.1", b.port())).toList();
    Simulation bySession = simulation("sp-direct-").markerTopic(null)
        .assertions(Assertion.metric(RunMetric.STICKINESS_PERCENT).gte(99.9));
    LoadTestResult result = LoadTest.run(bySession, new LoadTestOptions().setTargets(brokers)
        .setStickiness(StickinessMethod.SESSION_PRESENT));
    JsonObject summary = result.summary();

    int users = 2 * USERS_PER_PROTOCOL;
    JsonObject stickiness = summary.getJsonObject("stickiness");
    assertEquals("session-present", stickiness.getString("method"), summary.encodePrettily());
    assertEquals(users, stickiness.getLong("reconnects"));
    assertEquals(users, stickiness.getLong("moved"));
    assertEquals(0.0, stickiness.getDouble("percent"));
    assertEquals(0.0, result.metric(RunMetric.STICKINESS_PERCENT));
    assertFalse(result.ok());
    assertEquals("FAILED stickiness.percent gte 99.9 (actual 0)", result.assertions().get(2).toString());
  }

  /**
   * Mosquitto grants the subscription to EMQX's connection events but publishes none: the run says
   * so once and reports stickiness as not measured rather than guessing.
   */
  @Test
  void connectionEventsFromBrokersThatPublishNoneMeasureNothingAndSaySo() throws Exception {
    List<Target> nodes = List.of(new Target("127.0.0.1", tier.port()), new Target("127.0.0.1", second.port()));
    Map<String, Target> brokers = new LinkedHashMap<>();
    tier.brokers.forEach(b -> brokers.put(b.id(), new Target("127.0.0.1", b.port())));
    Simulation byEvents = simulation("ce-").markerTopic(null).assertions(Assertion.metric(RunMetric.STICKINESS_MOVED).eq(0));
    LoadTestResult result = LoadTest.run(byEvents, new LoadTestOptions().setTargets(nodes).setBrokers(brokers)
        .setStickiness(StickinessMethod.CONNECTION_EVENTS).setMarkerWait(Duration.ofMillis(300)));
    JsonObject summary = result.summary();

    int users = 2 * USERS_PER_PROTOCOL;
    JsonObject stickiness = summary.getJsonObject("stickiness");
    assertNull(stickiness.getValue("percent"), summary.encodePrettily());
    assertEquals("connection-events", stickiness.getString("tried"));
    assertEquals("no connection event came (the brokers publish none to the event monitor)", stickiness.getString("note"));
    assertEquals(2L * users, summary.getJsonObject("totals").getLong("connects"));
    assertEquals(0L, summary.getJsonObject("totals").getLong("failures"));
    JsonArray warnings = summary.getJsonArray("warnings");
    assertEquals(1, warnings.size(), warnings.encodePrettily());
    assertTrue(warnings.getString(0).startsWith("no connection event for a client within 300 ms"), warnings.getString(0));
    assertEquals("FAILED stickiness.moved eq 0 (actual not measured)", result.assertions().get(2).toString());
  }
}
