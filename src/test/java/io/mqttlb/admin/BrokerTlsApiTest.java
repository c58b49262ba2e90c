package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.TestPki;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker's {@code tls} field in the admin API, on a real standalone node: set, kept, turned off,
 * shown by the brokers and status calls, and refused when wrong (400, nothing changed). Relaying
 * to a broker added this way is in {@code BrokerTlsProxyProtocolEndToEndTest}.
 */
class BrokerTlsApiTest {
  private final AdminCalls admin = new AdminCalls(() -> this.node.adminPort(), "");
  private BalancerNode node;
  private String ca;

  @BeforeEach
  void startNode(@TempDir Path dir) throws Exception {
    ca = TestPki.create(dir, "brokers").caPath().toString();
    // Nothing listens at these addresses: health checks an hour apart keep the brokers up for the test.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-tls-api")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1),
            new BrokerConfig("b2", "127.0.0.1", 2, 1).withTls(BrokerTlsConfig.DEFAULTS)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private HttpResponse<String> put(String id, String body) throws Exception {
    return admin.call("PUT", "/api/v1/brokers/" + id, body);
  }

  @Test
  void aBrokersTlsIsSetKeptShownAndTurnedOff() throws Exception {
    JsonObject added = AdminCalls.ok(put("b3", """
        {"address":"127.0.0.1:3","tls":{"caPath":"%s","serverName":"b3.example.com"}}""".formatted(ca)), 201);
    JsonObject tls = new JsonObject().put("caPath", ca).put("serverName", "b3.example.com").put("verify", true);
    assertEquals(tls, added.getJsonObject("tls"));
    assertEquals(new BrokerTlsConfig(ca, "b3.example.com", true), node.snapshot().broker("b3").tls(),
        "the routing snapshot carries it");

    // Left out, it is kept, as the weight is.
    assertEquals(tls, AdminCalls.ok(put("b3", "{\"address\":\"127.0.0.1:4\",\"weight\":2}"), 200).getJsonObject("tls"));
    JsonArray brokers = new JsonArray(admin.call("GET", "/api/v1/brokers", null).body());
    assertNull(brokers.getJsonObject(0).getValue("tls"), "b1: plain TCP");
    assertEquals(new JsonObject().putNull("caPath").putNull("serverName").put("verify", true),
        brokers.getJsonObject(1).getJsonObject("tls"), "b2: TLS with every default");
    assertEquals(tls, brokers.getJsonObject(2).getJsonObject("tls"));
    JsonArray inStatus = AdminCalls.ok(admin.call("GET", "/api/v1/status", null), 200).getJsonArray("brokers");
    assertEquals(tls, inStatus.getJsonObject(2).getJsonObject("tls"));

    assertEquals(new JsonObject().putNull("caPath").putNull("serverName").put("verify", false),
        AdminCalls.ok(put("b3", "{\"address\":\"127.0.0.1:4\",\"tls\":{\"verify\":false}}"), 200).getJsonObject("tls"));
    assertEquals(new BrokerTlsConfig(null, null, false), node.snapshot().broker("b3").tls(),
        "an object replaces every setting: the server name is gone");
    assertNull(AdminCalls.ok(put("b3", "{\"address\":\"127.0.0.1:4\",\"tls\":null}"), 200).getValue("tls"));
    assertNull(node.snapshot().broker("b3").tls(), "null turns TLS off");
    AdminCalls.ok(put("b1", "{\"address\":\"127.0.0.1:1\",\"tls\":{}}"), 200);
    assertEquals(BrokerTlsConfig.DEFAULTS, node.snapshot().broker("b1").tls(), "an empty object is TLS with every default");
  }

  @Test
  void badTlsSettingsAreRefusedAndChangeNothing() throws Exception {
    String address = "\"address\":\"127.0.0.1:3\",";
    AdminCalls.assertError(put("b3", "{" + address + "\"tls\":true}"), 400, "\"tls\" must be an object (or null)");
    AdminCalls.assertError(put("b3", "{" + address + "\"tls\":{\"cafile\":\"x\"}}"), 400,
        "unknown field \"tls.cafile\"; expected caPath, serverName, verify");
    AdminCalls.assertError(put("b3", "{" + address + "\"tls\":{\"verify\":\"no\"}}"), 400, "\"tls.verify\" must be true or false");
    AdminCalls.assertError(put("b3", "{" + address + "\"tls\":{\"serverName\":7}}"), 400, "\"tls.serverName\" must be a string");
    AdminCalls.assertError(put("b3", "{" + address + "\"tls\":{\"serverName\":\"a b\"}}"), 400,
        "tls.serverName must be a host name or IP address, got 'a b'");
    AdminCalls.assertError(put("b3", "{" + address + "\"tls\":{\"caPath\":\"/nonexistent/ca.pem\"}}"), 400,
        "tls.caPath '/nonexistent/ca.pem': file not found on this node");
    AdminCalls.assertError(put("b3", "{" + address + "\"tls\":{\"caPath\":\"" + ca + "\",\"verify\":false}}"), 400,
        "tls.caPath has no effect with verify: false");
    AdminCalls.assertError(put("b2", "{\"address\":\"127.0.0.1:2\",\"tls\":{\"caPath\":\"/nonexistent/ca.pem\"}}"), 400,
        "file not found");
    assertEquals(2, node.snapshot().brokers().size());
    assertEquals(BrokerTlsConfig.DEFAULTS, node.snapshot().broker("b2").tls(), "b2 unchanged");
  }
}
