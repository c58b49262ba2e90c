package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker killed behind a running node: the node's health checks take it out within the health
 * window (the admin API and /metrics say so), new clients of that broker land on its ring successor
 * without a failed connect first, other clients stay where they were, and after a restart it comes
 * back.
 */
@EndToEnd
class HealthEndToEndTest {
  private static final Duration INTERVAL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofMillis(250);
  private static final int RISE = 2;
  private static final int FALL = 2;
  /** Time for the observation to reach the shared map and the verdict, plus one poll of the API. */
  private static final long SLACK_MILLIS = 250;
  private static final String KILLED = "b2";
  private static LocalTier tier;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startTier() throws Exception {
    tier = LocalTier.start(3, config -> config.withHealth(new HealthConfig(INTERVAL, TIMEOUT, RISE, FALL,
        HealthProbeKind.MQTT)));
  }

  @AfterAll
  static void stopTier() throws Exception {
    tier.close();
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + tier.node.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  private static JsonObject broker(String id) throws Exception {
    JsonArray brokers = new JsonArray(get("/api/v1/brokers"));
    for (int i = 0; i < brokers.size(); i++) {
      if (brokers.getJsonObject(i).getString("id").equals(id)) {
        return brokers.getJsonObject(i);
      }
    }
    throw new AssertionError("no broker " + id + " in " + brokers);
  }

  /** Polls the brokers call until the broker matches; returns the milliseconds it took. */
  private static long millisUntil(String what, long limitMillis, Predicate<JsonObject> condition) throws Exception {
    long started = System.nanoTime();
    while (!condition.test(broker(KILLED))) {
      if (System.nanoTime() - started > 3_000_000L * limitMillis) {
        throw new AssertionError("timed out waiting: " + what + "; last " + broker(KILLED));
      }
      Thread.sleep(10);
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  private static List<String> keysOwnedBy(String owner, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      if (tier.ringOwner("health-" + i).equals(owner)) {
        keys.add("health-" + i);
      }
    }
    return keys;
  }

  @Test
  void aKilledBrokerIsTakenOutWithinTheHealthWindowAndComesBackAfterItsRestart() throws Exception {
    long upWindow = INTERVAL.toMillis() * RISE + TIMEOUT.toMillis();
    long downWindow = INTERVAL.toMillis() * FALL + TIMEOUT.toMillis();
    millisUntil("first checks", upWindow, b -> tier.node.metrics().healthCheckCount(KILLED, true) >= 1);
    JsonObject before = broker(KILLED);
    assertEquals(true, before.getBoolean("healthy"));
    assertEquals(new JsonArray(), before.getJsonArray("seenDownBy"));
    assertTrue(before.containsKey("since") && before.getValue("since") == null, before.encode());
    assertTrue(get("/metrics").contains("mqttlb_broker_up{broker=\"" + KILLED + "\"} 1"));

    List<String> clientsOfKilled = keysOwnedBy(KILLED, 5);
    List<String> clientsOfOthers = new ArrayList<>(keysOwnedBy("b1", 3));
    clientsOfOthers.addAll(keysOwnedBy("b3", 3));

    tier.broker(KILLED).kill();
    long down = millisUntil(KILLED + " unhealthy", downWindow, b -> !b.getBoolean("healthy"));
    System.out.printf("%s healthy=false in the API %d ms after the kill (window %d ms)%n", KILLED, down, downWindow);
    assertTrue(down <= downWindow + SLACK_MILLIS, "took " + down + " ms; window " + downWindow + " ms");
    JsonObject unhealthy = broker(KILLED);
    assertEquals(new JsonArray().add("lb-test"), unhealthy.getJsonArray("seenDownBy"));
    Instant since = Instant.parse(unhealthy.getString("since"));
    assertTrue(Duration.between(since, Instant.now()).abs().toSeconds() < 10, "since " + since);
    assertTrue(get("/metrics").contains("mqttlb_broker_up{broker=\"" + KILLED + "\"} 0"), "broker_up 0");
    assertTrue(get("/metrics").contains("mqttlb_broker_transitions_total{broker=\"" + KILLED + "\",to=\"down\"} 1"));

    double failedDials = tier.node.metrics().broker(KILLED).redispatchCount();
    for (String clientId : clientsOfKilled) {
      assertEquals(tier.ringOwnerWithout(clientId, KILLED), Clients.brokerReachedMqtt3(clientId, tier.port()),
          "client " + clientId + " goes to the ring successor");
    }
    assertEquals(failedDials, tier.node.metrics().broker(KILLED).redispatchCount(),
        "the node no longer dials the dead broker at all");
    for (String clientId : clientsOfOthers) {
      assertEquals(tier.ringOwner(clientId), Clients.brokerReachedMqtt3(clientId, tier.port()),
          "client " + clientId + " of a healthy broker does not move");
    }

    tier.broker(KILLED).restart();
    long up = millisUntil(KILLED + " healthy again", upWindow, b -> b.getBoolean("healthy"));
    System.out.printf("%s healthy=true in the API %d ms after the restart (window %d ms)%n", KILLED, up, upWindow);
    assertTrue(up <= upWindow + SLACK_MILLIS, "took " + up + " ms; window " + upWindow + " ms");
    JsonObject healthy = broker(KILLED);
    assertEquals(new JsonArray(), healthy.getJsonArray("seenDownBy"));
    assertNotNull(healthy.getString("since"));
    assertTrue(!Instant.parse(healthy.getString("since")).isBefore(since));
    assertTrue(get("/metrics").contains("mqttlb_broker_up{broker=\"" + KILLED + "\"} 1"));
    for (String clientId : clientsOfKilled) {
      assertEquals(KILLED, Clients.brokerReachedMqtt3(clientId, tier.port()), "client " + clientId + " is back");
    }
  }
}
