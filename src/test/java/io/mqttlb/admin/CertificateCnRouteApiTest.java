package io.mqttlb.admin;

import static io.mqttlb.admin.AdminCalls.assertError;
import static io.mqttlb.admin.AdminCalls.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingConfig;
import io.mqttlb.node.BalancerNode;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/route?certificateCn=} on a node with {@code routing.key: certificate-cn}: the CN
 * decides, whatever the client id; without one the client id does; table entries are keyed by the CN.
 */
class CertificateCnRouteApiTest {
  private static final String TOKEN = "s3cret";
  private static BalancerNode node;
  private static AdminCalls admin;

  @BeforeAll
  static void startNode() throws Exception {
    // Routing answers need no live broker: these addresses are never dialled, and health checks an
    // hour apart keep the brokers up for the test.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-cn")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1), new BrokerConfig("b2", "127.0.0.1", 2, 1),
            new BrokerConfig("b3", "127.0.0.1", 3, 1)))
        .withRouting(RoutingConfig.defaults().withKey(KeyField.CERTIFICATE_CN))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
    admin = new AdminCalls(node::adminPort, TOKEN);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private static JsonObject route(String query) throws Exception {
    return ok(admin.call("GET", "/api/v1/route?" + query, null), 200);
  }

  private static String encoded(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Test
  void theCnDecidesWhateverTheClientId() throws Exception {
    for (String cn : List.of("device-1", "device-2", "device-3", "Gerät 7, Halle 2")) {
      JsonObject route = route("clientId=shared-id&username=alice&certificateCn=" + encoded(cn));
      assertEquals(cn, route.getString("key"));
      assertEquals("certificate-cn", route.getString("keySource"));
      assertEquals("ring", route.getString("source"));
      assertEquals(node.router().route("shared-id", "alice", null, cn).broker().id(), route.getString("broker"));
    }
    assertEquals("certificate-cn", route("certificateCn=device-1").getString("keySource"), "a CN alone is enough");
  }

  @Test
  void withoutACnTheClientIdDecides() throws Exception {
    JsonObject route = route("clientId=sensor-1&username=alice");
    assertEquals("sensor-1", route.getString("key"));
    assertEquals("client-id", route.getString("keySource"));
    assertEquals("username", route("username=alice&certificateCn=").getString("keySource"));
  }

  @Test
  void anOverrideForACnPinsItsClients() throws Exception {
    String owner = route("certificateCn=pinned-device").getString("broker");
    String other = owner.equals("b1") ? "b2" : "b1";
    try {
      ok(admin.call("PUT", "/api/v1/mode", "{\"mode\":\"table\"}"), 200);
      ok(admin.call("PUT", "/api/v1/table/pinned-device", "{\"broker\":\"" + other + "\"}"), 200);
      JsonObject pinned = route("clientId=anything&certificateCn=pinned-device");
      assertEquals(other, pinned.getString("broker"));
      assertEquals("override", pinned.getString("source"));
      assertEquals("certificate-cn", pinned.getString("keySource"));
    } finally {
      admin.call("DELETE", "/api/v1/table/pinned-device", null);
      ok(admin.call("PUT", "/api/v1/mode", "{\"mode\":\"hash\"}"), 200);
    }
  }

  @Test
  void badQuestionsAnswer400() throws Exception {
    assertError(admin.call("GET", "/api/v1/route?certificateCn=", null), 400, "certificateCn");
    assertError(admin.call("GET", "/api/v1/route?certificateCn=" + "x".repeat(70_000), null), 400, "at most");
  }
}
