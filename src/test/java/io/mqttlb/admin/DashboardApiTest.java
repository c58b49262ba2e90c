package io.mqttlb.admin;

import static io.mqttlb.admin.AdminCalls.assertError;
import static io.mqttlb.admin.AdminCalls.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The calls the dashboard needs, on a real node: the page itself, the ring's shares, the events, table pages. */
class DashboardApiTest {
  private static final String TOKEN = "dash-s3cret";
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static BalancerNode node;
  private static AdminCalls admin;

  @BeforeAll
  static void startNode() throws Exception {
    // Nothing listens at the brokers' addresses: health checks an hour apart keep them up for the test.
    node = BalancerNode.start(NodeConfig.defaults()
        .withNodeId("lb-dash")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1), new BrokerConfig("b2", "127.0.0.1", 2, 2)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2))).await(30, TimeUnit.SECONDS);
    admin = new AdminCalls(node::adminPort, TOKEN);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  @Test
  void thePageIsServedWithoutATokenAndLoadsNothingFromElsewhere() throws Exception {
    HttpResponse<String> page = admin.call("GET", "/", null, null);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"), page.headers().toString());
    assertTrue(page.body().contains("<script type=\"module\" src=\"dashboard.js\">"), page.body());
    String policy = page.headers().firstValue("content-security-policy").orElse("");
    assertTrue(policy.contains("default-src 'self'"), policy);
    for (String asset : List.of("/dashboard.js", "/api.js", "/draw.js", "/dashboard.css")) {
      HttpResponse<String> file = admin.call("GET", asset, null, null);
      assertEquals(200, file.statusCode(), asset);
      String text = file.body().replace("http://www.w3.org/2000/svg", ""); // a namespace name, never loaded
      assertFalse(text.contains("http://") || text.contains("https://"), asset + " refers to another origin");
    }
    assertEquals(404, admin.call("GET", "/no-such-file.js", null, null).statusCode());
    for (String escape : List.of("/../../../simplelogger.properties", "/%2e%2e/%2e%2e/%2e%2e/simplelogger.properties",
        "/..%2f..%2f..%2fsimplelogger.properties")) {
      String answer = rawGet(escape);
      assertFalse(answer.startsWith("HTTP/1.1 200"), escape + " reached a file outside the dashboard:\n" + answer);
      assertFalse(answer.contains("org.slf4j.simpleLogger"), escape + ":\n" + answer);
    }
    assertEquals(401, admin.call("GET", "/api/v1/status", null, null).statusCode(), "the API still wants the token");
  }

  @Test
  void ringSharesSumToOneAndFollowTheWeights() throws Exception {
    JsonObject ring = ok(admin.call("GET", "/api/v1/ring", null), 200);
    JsonArray brokers = ring.getJsonArray("brokers");
    assertEquals(2, brokers.size());
    double share = 0;
    double serving = 0;
    for (int i = 0; i < brokers.size(); i++) {
      share += brokers.getJsonObject(i).getDouble("share");
      serving += brokers.getJsonObject(i).getDouble("serving");
    }
    assertEquals(1.0, share, 1e-9, ring.encode());
    assertEquals(1.0, serving, 1e-9, "every broker is up and serving: " + ring.encode());
    JsonObject b2 = brokers.getJsonObject(1);
    assertEquals("b2", b2.getString("id"));
    assertEquals(2 * 160, b2.getInteger("points"));
    assertEquals(3 * 160, ring.getInteger("points"));
    assertEquals(2.0 / 3, b2.getDouble("share"), 0.08, "weight 2 of 3");
  }

  @Test
  void aDrainedBrokerServesNothingButKeepsItsShare() throws Exception {
    ok(admin.call("POST", "/api/v1/brokers/b1/drain", "{\"rate\":10}"), 202);
    try {
      JsonObject b1 = ok(admin.call("GET", "/api/v1/ring", null), 200).getJsonArray("brokers").getJsonObject(0);
      assertEquals(true, b1.getBoolean("drained"));
      assertEquals(0.0, b1.getDouble("serving"));
      assertTrue(b1.getDouble("share") > 0.2, b1.encode());
    } finally {
      ok(admin.call("POST", "/api/v1/brokers/b1/enable", null), 200);
    }
  }

  @Test
  void theEventStreamSendsAModeSwitch() throws Exception {
    HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(events(""))
        .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = stream.body()) {
      assertEquals(200, stream.statusCode());
      assertTrue(stream.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
      CompletableFuture<JsonObject> modeEvent = CompletableFuture.supplyAsync(() -> firstEvent(body, "mode"));
      ok(admin.call("PUT", "/api/v1/mode", "{\"mode\":\"table\"}"), 200);
      JsonObject event = modeEvent.get(10, TimeUnit.SECONDS);
      assertEquals("table", event.getString("mode"));
      assertTrue(event.getLong("seq") > 0, event.encode());
    } finally {
      ok(admin.call("PUT", "/api/v1/mode", "{\"mode\":\"hash\"}"), 200);
    }
    JsonObject recent = ok(admin.call("GET", "/api/v1/events", null), 200);
    List<String> types = recent.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("type")).toList();
    assertTrue(types.contains("mode"), "kept for callers that come later: " + recent.encode());
    long last = recent.getLong("last");
    assertEquals(0, ok(admin.call("GET", "/api/v1/events?after=" + last, null), 200).getJsonArray("events").size());
  }

  /** Reads the stream up to the first event of this type; the stream's own id line must match its seq. */
  private static JsonObject firstEvent(InputStream body, String type) {
    try {
      BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      String id = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          JsonObject event = new JsonObject(line.substring(6));
          assertEquals(String.valueOf(event.getLong("seq")), id, "the id line is the event's seq");
          if (type.equals(event.getString("type"))) {
            return event;
          }
        }
      }
      throw new AssertionError("the stream ended without a " + type + " event");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theStreamWantsTheTokenLikeEveryCall() throws Exception {
    for (String token : new String[] {null, "guess"}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(events("")).header("Accept", "text/event-stream")
          .timeout(Duration.ofSeconds(10));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> refused = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertError(refused, 401, "token");
    }
  }

  @Test
  void aBadAfterIsRefused() throws Exception {
    assertError(admin.call("GET", "/api/v1/events?after=yesterday", null), 400, "after");
    assertError(admin.call("GET", "/api/v1/events?after=-1", null), 400, "after");
  }

  @Test
  void theTableIsReadPageByPageAfterTheLastKey() throws Exception {
    for (int i = 1; i <= 5; i++) {
      ok(admin.call("PUT", "/api/v1/table/page-" + i, "{\"broker\":\"b1\"}"), 200);
    }
    try {
      assertEquals(List.of("page-1", "page-2"), keys("prefix=page-&limit=2"));
      assertEquals(List.of("page-3", "page-4"), keys("prefix=page-&limit=2&after=page-2"));
      assertEquals(List.of("page-5"), keys("prefix=page-&limit=2&after=page-4"));
      assertEquals(List.of(), keys("prefix=page-&limit=2&after=page-5"));
    } finally {
      for (int i = 1; i <= 5; i++) {
        admin.call("DELETE", "/api/v1/table/page-" + i, null);
      }
    }
  }

  @Test
  void brokersCountTheirRelayedConnectionsForRates() throws Exception {
    HttpResponse<String> answer = admin.call("GET", "/api/v1/brokers", null);
    assertEquals(200, answer.statusCode());
    JsonObject b1 = new JsonArray(answer.body()).getJsonObject(0);
    assertEquals(0L, b1.getLong("connectionsTotal"), b1.encode());
  }

  /** A GET with the path sent exactly as given (an HTTP client would normalize the dots away). */
  private static String rawGet(String path) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.adminPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> keys(String query) throws Exception {
    return ok(admin.call("GET", "/api/v1/table?" + query, null), 200).getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getString("key")).toList();
  }

  private static URI events(String query) {
    return URI.create("http://127.0.0.1:" + node.adminPort() + "/api/v1/events" + query);
  }
}
