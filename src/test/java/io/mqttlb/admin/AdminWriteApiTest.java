package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin calls that change the tier's state, on a real standalone node: brokers, mode and the
 * routing table, each with its answers to bad input (4xx and a JSON error, never a 500).
 */
class AdminWriteApiTest {
  private static final String TOKEN = "s3cret";
  private final AdminCalls admin = new AdminCalls(() -> this.node.adminPort(), TOKEN);
  private BalancerNode node;

  @BeforeEach
  void startNode() throws Exception {
    // Routing answers need no live broker: these addresses are never dialled.
    // Nothing listens there either: health checks an hour apart keep the brokers up for the test.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-write")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1), new BrokerConfig("b2", "127.0.0.1", 2, 1)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
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

  private String routeOf(String clientId) throws Exception {
    return ok(call("GET", "/api/v1/route?clientId=" + encode(clientId), null), 200).getString("broker");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Test
  void brokersAreAddedChangedAndRemoved() throws Exception {
    JsonObject added = ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\"}"), 201);
    assertEquals(new JsonObject().put("id", "b3").put("address", "127.0.0.1:3").put("weight", 1)
        .put("sendProxyProtocol", "none").putNull("tls").put("maxConnectRate", 0), added);
    JsonObject changed = ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:33\",\"weight\":4}"), 200);
    assertEquals(4, changed.getInteger("weight"));
    // Leaving the weight out keeps it.
    assertEquals(4, ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:34\"}"), 200).getInteger("weight"));

    JsonArray brokers = new JsonArray(call("GET", "/api/v1/brokers", null).body());
    assertEquals(List.of("b1", "b2", "b3"), brokers.stream().map(b -> ((JsonObject) b).getString("id")).toList());
    assertEquals("127.0.0.1:34", brokers.getJsonObject(2).getString("address"));
    assertEquals(3, node.snapshot().brokers().size(), "the node routes with the new broker at once");

    assertEquals("b3", ok(call("DELETE", "/api/v1/brokers/b3", null), 200).getString("removed"));
    assertEquals(2, node.snapshot().brokers().size());
    assertError(call("DELETE", "/api/v1/brokers/b3", null), 404, "b3");
    assertEquals("b1", ok(call("DELETE", "/api/v1/brokers/b1", null), 200).getString("removed"));
    assertError(call("DELETE", "/api/v1/brokers/b2", null), 409, "last");
    assertEquals(List.of("b2"), node.snapshot().brokers().stream().map(BrokerConfig::id).toList());
  }

  @Test
  void badBrokerCallsAreRefusedAndChangeNothing() throws Exception {
    assertError(call("PUT", "/api/v1/brokers/b3", null), 400, "body is required");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":"), 400, "not JSON");
    assertError(call("PUT", "/api/v1/brokers/b3", "[1,2]"), 400, "JSON object");
    assertError(call("PUT", "/api/v1/brokers/b3", "{}"), 400, "\"address\" is required");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":1883}"), 400, "must be a string");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"nohost\"}"), 400, "not host:port");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:70000\"}"), 400, "port");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\",\"weight\":0}"), 400, "weight");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\",\"weight\":1.5}"), 400, "whole number");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\",\"wieght\":2}"), 400, "unknown field");
    assertError(call("PUT", "/api/v1/brokers/bad%20id", "{\"address\":\"127.0.0.1:3\"}"), 400, "id");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\"}", null), 401, "token");
    assertEquals(2, new JsonArray(call("GET", "/api/v1/brokers", null).body()).size());
  }

  @Test
  void aBrokersPROXYProtocolVersionIsSetKeptAndShown() throws Exception {
    JsonObject added = ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\",\"sendProxyProtocol\":\"v2\"}"), 201);
    assertEquals("v2", added.getString("sendProxyProtocol"));
    assertEquals(ProxyProtocol.V2, node.snapshot().broker("b3").sendProxyProtocol(), "the routing snapshot carries it");
    // Leaving it out keeps it, as for the weight.
    assertEquals("v2", ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:4\",\"weight\":2}"), 200)
        .getString("sendProxyProtocol"));
    assertEquals("v1", ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:4\",\"sendProxyProtocol\":\"V1\"}"), 200)
        .getString("sendProxyProtocol"));

    JsonArray brokers = new JsonArray(call("GET", "/api/v1/brokers", null).body());
    assertEquals(List.of("none", "none", "v1"),
        brokers.stream().map(b -> ((JsonObject) b).getString("sendProxyProtocol")).toList());
    JsonArray inStatus = ok(call("GET", "/api/v1/status", null), 200).getJsonArray("brokers");
    assertEquals("v1", inStatus.getJsonObject(2).getString("sendProxyProtocol"));

    ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:4\",\"sendProxyProtocol\":\"none\"}"), 200);
    assertEquals(ProxyProtocol.NONE, node.snapshot().broker("b3").sendProxyProtocol());
  }

  @Test
  void aBrokersConnectRateCapIsSetKeptShownAndPacedByTheNode() throws Exception {
    JsonObject added = ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\",\"maxConnectRate\":500}"), 201);
    assertEquals(500, added.getInteger("maxConnectRate"));
    assertEquals(500, node.snapshot().broker("b3").maxConnectRate(), "the routing snapshot carries it");
    assertEquals(500, ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:4\"}"), 200)
        .getInteger("maxConnectRate"), "left out, it is kept");
    JsonArray inStatus = new JsonObject(call("GET", "/api/v1/status", null).body()).getJsonArray("brokers");
    assertEquals(500, inStatus.getJsonObject(2).getInteger("maxConnectRate"));
    // The node's admission control follows the broker set: the capped broker gets its gauge.
    Await.until("b3's admission gauge", () -> node.metrics().scrape().contains("mqttlb_admission_queued{broker=\"b3\"}"));
    assertFalse(node.metrics().scrape().contains("mqttlb_admission_queued{broker=\"b1\"}"), "b1 has no cap");

    assertEquals(0, ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:4\",\"maxConnectRate\":0}"), 200)
        .getInteger("maxConnectRate"));
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:4\",\"maxConnectRate\":-1}"), 400,
        "maxConnectRate must be between 0 and 1000000, got -1");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:4\",\"maxConnectRate\":\"5/s\"}"), 400,
        "\"maxConnectRate\" must be a whole number");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:4\",\"maxConnectRate\":2.5}"), 400,
        "\"maxConnectRate\" must be a whole number");
    assertEquals(0, node.snapshot().broker("b3").maxConnectRate(), "refused calls change nothing");
  }

  @Test
  void badPROXYProtocolVersionsAreRefused() throws Exception {
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\",\"sendProxyProtocol\":\"v3\"}"), 400,
        "sendProxyProtocol: unknown PROXY protocol version 'v3'; expected none, v1, v2");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\",\"sendProxyProtocol\":2}"), 400,
        "\"sendProxyProtocol\" must be a string");
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:3\",\"sendProxyProtocol\":true}"), 400,
        "must be a string");
    assertError(call("PUT", "/api/v1/brokers/b1", "{\"address\":\"127.0.0.1:1\",\"sendProxyProtocol\":\"\"}"), 400,
        "sendProxyProtocol");
    assertEquals(2, node.snapshot().brokers().size());
    assertEquals(ProxyProtocol.NONE, node.snapshot().broker("b1").sendProxyProtocol());
  }

  @Test
  void aBrokerAtOneOfTheNodesOwnListenersIsRefused() throws Exception {
    int listener = node.port(); // configured as port 0: the check uses the port the listener bound
    assertError(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.1:" + listener + "\"}"), 400,
        "address '127.0.0.1:" + listener + "' is this node's own listener 'tcp' (127.0.0.1:" + listener + ")");
    assertError(call("PUT", "/api/v1/brokers/b1", "{\"address\":\"localhost:" + listener + "\"}"), 400,
        "is this node's own listener 'tcp'");
    assertEquals("127.0.0.1:1", node.snapshot().broker("b1").address(), "a refused change changes nothing");
    assertEquals(2, node.snapshot().brokers().size());
    // Another loopback address, and the admin port, are not this node's MQTT listener.
    ok(call("PUT", "/api/v1/brokers/b3", "{\"address\":\"127.0.0.2:" + listener + "\"}"), 201);
    ok(call("PUT", "/api/v1/brokers/b4", "{\"address\":\"127.0.0.1:" + node.adminPort() + "\"}"), 201);
  }

  @Test
  void modeSwitchesTableRoutingOnAndOff() throws Exception {
    String ringOwner = routeOf("pinned");
    String other = ringOwner.equals("b1") ? "b2" : "b1";
    ok(call("PUT", "/api/v1/table/pinned", "{\"broker\":\"" + other + "\"}"), 200);
    assertEquals(ringOwner, routeOf("pinned"), "hash mode reads no table");

    assertEquals("table", ok(call("PUT", "/api/v1/mode", "{\"mode\":\"table\"}"), 200).getString("mode"));
    assertEquals("table", ok(call("GET", "/api/v1/mode", null), 200).getString("mode"));
    JsonObject route = ok(call("GET", "/api/v1/route?clientId=pinned", null), 200);
    assertEquals(other, route.getString("broker"));
    assertEquals("override", route.getString("source"));
    assertEquals("ring", ok(call("GET", "/api/v1/route?clientId=free", null), 200).getString("source"));

    ok(call("PUT", "/api/v1/mode", "{\"mode\":\"hash\"}"), 200);
    assertEquals(ringOwner, routeOf("pinned"));
    assertError(call("PUT", "/api/v1/mode", "{\"mode\":\"random\"}"), 400, "unknown routing mode");
    assertError(call("PUT", "/api/v1/mode", "{\"mode\":null}"), 400, "required");
    assertError(call("PUT", "/api/v1/mode", "hash"), 400, "not JSON");
    assertEquals("hash", ok(call("GET", "/api/v1/status", null), 200).getString("mode"));
  }

  @Test
  void overridesAreListedByPrefixAndRemoved() throws Exception {
    ok(call("PUT", "/api/v1/mode", "{\"mode\":\"table\"}"), 200);
    String awkward = "site/7 sensor ü";
    JsonObject put = ok(call("PUT", "/api/v1/table/" + encode(awkward), "{\"broker\":\"b2\",\"ttl\":\"10m\"}"), 200);
    assertEquals(awkward, put.getString("key"));
    assertEquals("override", put.getString("kind"));
    Instant expires = Instant.parse(put.getString("expiresAt"));
    assertTrue(expires.isAfter(Instant.now().plusSeconds(590)) && expires.isBefore(Instant.now().plusSeconds(610)), put.encode());
    assertEquals("b2", routeOf(awkward));
    for (int i = 0; i < 5; i++) {
      ok(call("PUT", "/api/v1/table/dev-" + i, "{\"broker\":\"b1\"}"), 200);
    }

    JsonObject page = ok(call("GET", "/api/v1/table?prefix=dev-&limit=3", null), 200);
    assertEquals(6, page.getLong("size"));
    assertEquals(6, page.getLong("overrides"));
    JsonArray entries = page.getJsonArray("entries");
    assertEquals(List.of("dev-0", "dev-1", "dev-2"), entries.stream().map(e -> ((JsonObject) e).getString("key")).toList());
    assertNull(entries.getJsonObject(0).getValue("expiresAt"), "an override without ttl does not expire");
    assertEquals(6, ok(call("GET", "/api/v1/table", null), 200).getJsonArray("entries").size());
    assertEquals(6, ok(call("GET", "/api/v1/status", null), 200).getJsonObject("table").getLong("overrides"));

    assertEquals(awkward, ok(call("DELETE", "/api/v1/table/" + encode(awkward), null), 200).getString("removed"));
    assertEquals("ring", ok(call("GET", "/api/v1/route?clientId=" + encode(awkward), null), 200).getString("source"));
    assertError(call("DELETE", "/api/v1/table/" + encode(awkward), null), 404, "no table entry");
  }

  @Test
  void anOverrideExpiresAfterItsTtl() throws Exception {
    ok(call("PUT", "/api/v1/mode", "{\"mode\":\"table\"}"), 200);
    ok(call("PUT", "/api/v1/table/brief", "{\"broker\":\"b2\",\"ttl\":\"300ms\"}"), 200);
    assertEquals("override", ok(call("GET", "/api/v1/route?clientId=brief", null), 200).getString("source"));
    Thread.sleep(400);
    assertEquals("ring", ok(call("GET", "/api/v1/route?clientId=brief", null), 200).getString("source"));
    assertEquals(0, ok(call("GET", "/api/v1/table", null), 200).getLong("size"));
  }

  @Test
  void badTableCallsAreRefused() throws Exception {
    assertError(call("PUT", "/api/v1/table/k", "{\"broker\":\"b9\"}"), 404, "no broker b9");
    assertError(call("PUT", "/api/v1/table/k", "{\"broker\":\"b1\",\"ttl\":\"soon\"}"), 400, "ttl");
    assertError(call("PUT", "/api/v1/table/k", "{\"broker\":\"b1\",\"ttl\":\"0s\"}"), 400, "ttl");
    assertError(call("PUT", "/api/v1/table/k", "{\"ttl\":\"1m\"}"), 400, "\"broker\" is required");
    assertError(call("PUT", "/api/v1/table/k", "{\"broker\":\"b1\",\"kind\":\"sticky\"}"), 400, "unknown field");
    assertError(call("PUT", "/api/v1/table/k", "not json"), 400, "not JSON");
    assertError(call("DELETE", "/api/v1/table/k", null), 404, "no table entry");
    assertError(call("GET", "/api/v1/table?limit=0", null), 400, "limit");
    assertError(call("GET", "/api/v1/table?limit=many", null), 400, "limit");
    assertError(call("GET", "/api/v1/table?limit=10001", null), 400, "limit");
    assertError(call("PUT", "/api/v1/table/k", "{\"broker\":\"b1\"}", "wrong"), 401, "token");
    assertEquals(0, ok(call("GET", "/api/v1/table", null), 200).getLong("size"));
  }
}
