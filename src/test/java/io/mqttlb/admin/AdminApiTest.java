package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin HTTP API of a real node: token, status, brokers, route, and errors as JSON 4xx. */
class AdminApiTest {
  private static final String TOKEN = "s3cret";
  private static BalancerNode node;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startNode() throws Exception {
    // Routing answers need no live broker: these addresses are never dialled.
    // Nothing listens there either: health checks an hour apart keep the brokers up for the test.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-admin")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1), new BrokerConfig("b2", "127.0.0.1", 2, 2)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> call(String method, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void apiCallsNeedTheBearerTokenButHealthAndMetricsDoNot() throws Exception {
    assertEquals(401, call("GET", "/api/v1/status", null).statusCode());
    HttpResponse<String> wrong = call("GET", "/api/v1/status", "guess");
    assertEquals(401, wrong.statusCode());
    assertTrue(new JsonObject(wrong.body()).getString("error").contains("token"));
    assertEquals(200, call("GET", "/api/v1/status", TOKEN).statusCode());
    assertEquals(200, call("GET", "/health", null).statusCode());
    assertEquals(200, call("GET", "/metrics", null).statusCode());
  }

  @Test
  void statusAndBrokersDescribeTheNode() throws Exception {
    JsonObject status = new JsonObject(call("GET", "/api/v1/status", TOKEN).body());
    assertEquals("lb-admin", status.getString("node"));
    assertEquals("hash", status.getString("mode"));
    assertEquals("config", status.getString("seededFrom"), "a standalone node seeds its state from its file");
    JsonArray brokers = new JsonArray(call("GET", "/api/v1/brokers", TOKEN).body());
    assertEquals(2, brokers.size());
    JsonObject b2 = brokers.getJsonObject(1);
    assertEquals("b2", b2.getString("id"));
    assertEquals("127.0.0.1:2", b2.getString("address"));
    assertEquals(2, b2.getInteger("weight"));
    assertEquals(true, b2.getBoolean("healthy"));
    assertEquals(0, b2.getInteger("connections"));
    assertEquals("hash", new JsonObject(call("GET", "/api/v1/mode", TOKEN).body()).getString("mode"));
  }

  @Test
  void routeAnswersTheRingOwner() throws Exception {
    JsonObject route = new JsonObject(call("GET", "/api/v1/route?clientId=sensor%2F1&username=alice", TOKEN).body());
    assertEquals("sensor/1", route.getString("key"));
    assertEquals("client-id", route.getString("keySource"));
    assertEquals(node.router().route("sensor/1", "alice", null).broker().id(), route.getString("broker"));
  }

  @Test
  void aCertificateCnIsIgnoredByANodeThatRoutesByClientId() throws Exception {
    JsonObject route = new JsonObject(call("GET", "/api/v1/route?clientId=sensor-9&certificateCn=device-7", TOKEN).body());
    assertEquals("sensor-9", route.getString("key"));
    assertEquals("client-id", route.getString("keySource"));
  }

  @Test
  void badCallsAnswerJsonErrorsNever500() throws Exception {
    assertError(call("GET", "/api/v1/route", TOKEN), 400);
    assertError(call("GET", "/api/v1/route?clientId=", TOKEN), 400);
    // This node routes by client id: a certificate CN alone says nothing about where a client goes.
    HttpResponse<String> cnOnly = call("GET", "/api/v1/route?certificateCn=device-7", TOKEN);
    assertError(cnOnly, 400);
    assertTrue(cnOnly.body().contains("routes by client-id"), cnOnly.body());
    assertError(call("GET", "/api/v1/route?clientId=" + "x".repeat(70_000), TOKEN), 400);
    assertError(call("GET", "/api/v1/nothing", TOKEN), 404);
    assertError(call("POST", "/api/v1/route?clientId=a", TOKEN), 405);
  }

  private static void assertError(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(new JsonObject(response.body()).containsKey("error"), response.body());
  }
}
