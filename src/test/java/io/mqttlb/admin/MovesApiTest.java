package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drain, enable and rebalance on a real standalone node without clients: the answers, the drained
 * flag in the broker list and in routing, the job's progress in status, and every refusal (4xx
 * with a JSON error, never a 500).
 */
class MovesApiTest {
  private static final String TOKEN = "s3cret";
  private final AdminCalls admin = new AdminCalls(() -> this.node.adminPort(), TOKEN);
  private BalancerNode node;

  @BeforeEach
  void startNode() throws Exception {
    // No client connects: these addresses are never dialled.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-moves")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1), new BrokerConfig("b2", "127.0.0.1", 2, 1)));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return admin.call(method, path, body);
  }

  private HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
    return admin.call(method, path, body, token);
  }

  private static JsonObject ok(HttpResponse<String> response, int status) {
    return AdminCalls.ok(response, status);
  }

  private static void assertError(HttpResponse<String> response, int status, String mentions) {
    AdminCalls.assertError(response, status, mentions);
  }

  private boolean drained(String brokerId) throws Exception {
    JsonArray brokers = new JsonArray(call("GET", "/api/v1/brokers", null).body());
    return brokers.stream().map(b -> (JsonObject) b).filter(b -> b.getString("id").equals(brokerId))
        .findFirst().orElseThrow().getBoolean("drained");
  }

  private JsonObject moves() throws Exception {
    return ok(call("GET", "/api/v1/status", null), 200).getJsonObject("moves");
  }

  @Test
  void drainFlagsTheBrokerRoutesAroundItAndReportsTheJob() throws Exception {
    assertNull(moves(), "no job ran yet");
    assertFalse(drained("b1"));
    JsonObject started = ok(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":50}"), 202);
    assertEquals("drain", started.getString("kind"));
    assertEquals("b1", started.getString("broker"));
    assertEquals(50, started.getValue("rate"));
    assertEquals(0, started.getLong("clients"));
    String id = started.getString("id");
    assertTrue(id != null && !id.isEmpty());

    assertTrue(drained("b1"));
    assertFalse(drained("b2"));
    assertTrue(node.snapshot().isDrained("b1"), "the node routes without b1 at once");
    for (int i = 0; i < 50; i++) {
      assertEquals("b2", ok(call("GET", "/api/v1/route?clientId=c-" + i, null), 200).getString("broker"));
    }
    Await.until("the job's progress in status", () -> {
      try {
        JsonObject moves = moves();
        return moves != null && id.equals(moves.getString("id")) && "done".equals(moves.getString("state"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    JsonObject moves = moves();
    assertEquals("drain", moves.getString("kind"));
    assertEquals("b1", moves.getString("broker"));
    assertEquals(50, moves.getValue("rate"));
    assertEquals(0, moves.getLong("done"));
    assertEquals(0, moves.getLong("remaining"));
    Instant startedAt = Instant.parse(moves.getString("startedAt"));
    assertTrue(startedAt.isAfter(Instant.now().minusSeconds(60)), moves.encode());
    assertEquals(new JsonObject().put("done", 0).put("remaining", 0).put("state", "done"),
        moves.getJsonObject("nodes").getJsonObject("lb-moves"));

    assertEquals(new JsonObject().put("enabled", "b1"), ok(call("POST", "/api/v1/brokers/b1/enable", null), 200));
    assertFalse(drained("b1"));
    assertFalse(node.snapshot().isDrained("b1"));
    boolean someToB1 = false;
    for (int i = 0; i < 50; i++) {
      someToB1 |= "b1".equals(ok(call("GET", "/api/v1/route?clientId=c-" + i, null), 200).getString("broker"));
    }
    assertTrue(someToB1, "after enable b1 gets its keys back");
  }

  @Test
  void rebalanceStartsAJobWithoutABroker() throws Exception {
    JsonObject started = ok(call("POST", "/api/v1/rebalance", "{\"rate\":2.5}"), 202);
    assertEquals("rebalance", started.getString("kind"));
    assertFalse(started.containsKey("broker"));
    assertEquals(2.5, started.getDouble("rate"));
    assertEquals(0, started.getLong("clients"));
    JsonObject second = ok(call("POST", "/api/v1/rebalance", "{\"rate\":1000000}"), 202);
    assertNotEquals(started.getString("id"), second.getString("id"));
    Await.until("the newest job in status", () -> {
      try {
        JsonObject moves = moves();
        return moves != null && second.getString("id").equals(moves.getString("id"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void badDrainCallsAreRefusedAndChangeNothing() throws Exception {
    assertError(call("POST", "/api/v1/brokers/b9/drain", "{\"rate\":5}"), 404, "no broker b9");
    assertError(call("POST", "/api/v1/brokers/b1/drain", null), 400, "body is required");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{}"), 400, "\"rate\" is required");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":null}"), 400, "\"rate\" is required");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":\"fast\"}"), 400, "must be a number");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":true}"), 400, "must be a number");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":0}"), 400, "more than 0");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":-3}"), 400, "more than 0");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":1000000.5}"), 400, "at most 1000000");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":5,\"broker\":\"b2\"}"), 400, "unknown field");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":"), 400, "not JSON");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "[5]"), 400, "JSON object");
    assertError(call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":5}", null), 401, "token");
    assertError(call("GET", "/api/v1/brokers/b1/drain", null), 405, "not allowed");
    assertFalse(drained("b1"));
    assertFalse(drained("b2"));
    assertNull(moves(), "no job started");
  }

  @Test
  void badEnableAndRebalanceCallsAreRefused() throws Exception {
    assertError(call("POST", "/api/v1/brokers/b9/enable", null), 404, "no broker b9");
    assertError(call("POST", "/api/v1/brokers/b1/enable", null, "wrong"), 401, "token");
    assertError(call("POST", "/api/v1/rebalance", null), 400, "body is required");
    assertError(call("POST", "/api/v1/rebalance", "{}"), 400, "\"rate\" is required");
    assertError(call("POST", "/api/v1/rebalance", "{\"rate\":\"10\"}"), 400, "must be a number");
    assertError(call("POST", "/api/v1/rebalance", "{\"rate\":0}"), 400, "more than 0");
    assertError(call("POST", "/api/v1/rebalance", "{\"rate\":2000000}"), 400, "at most 1000000");
    assertError(call("POST", "/api/v1/rebalance", "{\"rate\":5,\"kind\":\"drain\"}"), 400, "unknown field");
    assertError(call("POST", "/api/v1/rebalance", "rate=5"), 400, "not JSON");
    assertError(call("POST", "/api/v1/rebalance", "{\"rate\":5}", null), 401, "token");
    assertNull(moves(), "no job started");
  }
}
