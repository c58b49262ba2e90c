package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API of a real node against callers that get things wrong: the bearer scheme in any
 * case, a body over the limit and a body that is not JSON answered as JSON 4xx errors, none of them
 * counted as a fault of the node's ({@link io.mqttlb.metrics.Metrics#ADMIN_INTERNAL_ERRORS}).
 */
class AdminHardeningTest {
  private static final String TOKEN = "s3cret";
  private static BalancerNode node;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startNode() throws Exception {
    // Nothing listens at the broker's address: health checks an hour apart keep it up for the test.
    NodeConfig config = NodeConfig.defaults()
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> call(String method, String path, String authorization, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theBearerSchemeIsCaseInsensitiveButTheTokenIsNot() throws Exception {
    for (String scheme : List.of("Bearer", "bearer", "BEARER", "bEaReR")) {
      assertEquals(200, call("GET", "/api/v1/mode", scheme + " " + TOKEN, null).statusCode(), scheme);
    }
    assertEquals(200, call("GET", "/api/v1/mode", "Bearer   " + TOKEN, null).statusCode());
    for (String wrong : List.of("Bearer S3CRET", "Bearer s3cre", "Bearer s3crett", "Basic " + TOKEN, "Bearer" + TOKEN,
        "Bearer", "Bearer ", TOKEN)) {
      HttpResponse<String> refused = call("GET", "/api/v1/mode", wrong, null);
      assertEquals(401, refused.statusCode(), wrong);
      assertEquals("Bearer", refused.headers().firstValue("WWW-Authenticate").orElse(""));
    }
  }

  @Test
  void aClientsMistakesAreAnsweredAsJsonAndNotCountedAsFaults() throws Exception {
    double faultsBefore = node.metrics().adminInternalErrorCount();
    HttpResponse<String> tooLarge = call("PUT", "/api/v1/mode", "Bearer " + TOKEN,
        "{\"mode\":\"" + "x".repeat(AdminVerticle.MAX_BODY_BYTES) + "\"}");
    assertEquals(413, tooLarge.statusCode());
    assertTrue(new JsonObject(tooLarge.body()).getString("error").contains("larger than"), tooLarge.body());

    HttpResponse<String> notJson = call("PUT", "/api/v1/mode", "Bearer " + TOKEN, "{\"mode\":");
    assertEquals(400, notJson.statusCode());
    assertTrue(new JsonObject(notJson.body()).getString("error").contains("not JSON"), notJson.body());

    // The node still serves: the mistakes left nothing behind.
    assertEquals("hash", new JsonObject(call("GET", "/api/v1/mode", "Bearer " + TOKEN, null).body()).getString("mode"));
    // The counter is incremented before the 500 is answered, so it is up to date once the answers are in.
    assertEquals(faultsBefore, node.metrics().adminInternalErrorCount(), "client mistakes counted as the node's faults");
  }

  @Test
  void bearerTokenMatchesOnlyTheWholeToken() {
    byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
    assertTrue(BearerToken.matches("Bearer s3cret", token));
    assertTrue(BearerToken.matches("bearer s3cret", token));
    assertFalse(BearerToken.matches(null, token));
    assertFalse(BearerToken.matches("Bearers3cret", token));
    assertFalse(BearerToken.matches("Bearer s3cret ", token));
    assertFalse(BearerToken.matches("Bearer\ts3cret", token));
    assertFalse(BearerToken.matches("Bearer sécret", "s3cret".getBytes(StandardCharsets.UTF_8)));
  }
}
