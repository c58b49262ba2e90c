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
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/whatif} on a real standalone node without clients: the answer's shape and
 * sums, that it changes nothing, and every refusal (4xx with a JSON error naming the problem).
 */
class WhatIfApiTest {
  private static final String TOKEN = "s3cret";
  private static BalancerNode node;
  private static final AdminCalls admin = new AdminCalls(() -> node.adminPort(), TOKEN);

  @BeforeAll
  static void startNode() throws Exception {
    // No client connects: these addresses are never dialled, and health checks an hour apart keep
    // the brokers up, so that the key-space shares are the rings' own.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-whatif")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1), new BrokerConfig("b2", "127.0.0.1", 2, 1),
            new BrokerConfig("b3", "127.0.0.1", 3, 2)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private static JsonObject whatIf(String query) throws Exception {
    return AdminCalls.ok(admin.call("GET", "/api/v1/whatif?" + query, null), 200);
  }

  private static void refused(String query, int status, String mentions) throws Exception {
    AdminCalls.assertError(admin.call("GET", "/api/v1/whatif?" + query, null), status, mentions);
  }

  private static double pairSum(JsonObject answer) {
    return answer.getJsonArray("moves").stream().mapToDouble(m -> ((JsonObject) m).getDouble("keySpace")).sum();
  }

  private static Set<String> field(JsonObject answer, String name) {
    Set<String> values = new HashSet<>();
    answer.getJsonArray("moves").forEach(m -> values.add(((JsonObject) m).getString(name)));
    return values;
  }

  @Test
  void addingABrokerTakesItsShareFromEveryOtherAndChangesNothing() throws Exception {
    long epoch = node.snapshot().epoch();
    JsonObject answer = whatIf("add=b4&weight=2");

    assertEquals("add b4 (weight 2)", answer.getString("change"));
    assertEquals("hash", answer.getString("mode"));
    assertEquals(epoch, answer.getLong("epoch"));
    assertEquals(Set.of("b1", "b2", "b3"), field(answer, "from"));
    assertEquals(Set.of("b4"), field(answer, "to"));
    double share = answer.getDouble("keySpace");
    assertTrue(share > 0.25 && share < 0.42, "weight 2 of 6 takes about a third: " + share);
    assertEquals(share, pairSum(answer), 1e-12);
    assertEquals(new JsonObject().put("connected", 0).put("moving", 0), answer.getJsonObject("clients"));
    assertEquals(new JsonArray().add("lb-whatif"), answer.getJsonArray("nodes"));
    assertEquals(new JsonArray(), answer.getJsonArray("incomplete"));
    for (Object move : answer.getJsonArray("moves")) {
      assertEquals(0, ((JsonObject) move).getLong("clients"));
      assertEquals(new JsonArray(), ((JsonObject) move).getJsonArray("samples"));
    }

    assertEquals(epoch, node.snapshot().epoch(), "nothing changed");
    assertEquals(3, node.state().brokers().size());
    assertEquals(Set.of(), node.state().drained());
  }

  @Test
  void changesCombineAndRepeat() throws Exception {
    JsonObject drain = whatIf("drain=b3");
    assertEquals(Set.of("b3"), field(drain, "from"), "only a drained broker's keys move");
    assertTrue(drain.getDouble("keySpace") > 0.4 && drain.getDouble("keySpace") < 0.6, "b3 holds about half");

    JsonObject combined = whatIf("remove=b1&drain=b3&weight=b2:2&add=b5:1");
    assertEquals("remove b1, add b5 (weight 1), weight b2:2, drain b3", combined.getString("change"));
    assertEquals(Set.of("b2", "b5"), field(combined, "to"), "nothing goes to a removed or drained broker");
    assertTrue(field(combined, "from").containsAll(Set.of("b1", "b3")), "the removed and the drained broker lose all");
    assertEquals(combined.getDouble("keySpace"), pairSum(combined), 1e-12);

    JsonObject repeated = whatIf("remove=b1&remove=b2");
    JsonObject listed = whatIf("remove=b1,b2");
    assertEquals(repeated.getJsonArray("moves"), listed.getJsonArray("moves"));
    assertEquals(Set.of("b3"), field(listed, "to"));
    assertTrue(listed.getDouble("keySpace") > 0.4 && listed.getDouble("keySpace") < 0.6);
  }

  @Test
  void refusesWhatCannotBeAsked() throws Exception {
    refused("", 400, "give one or more of remove=ID");
    refused("samples=3", 400, "give one or more of remove=ID");
    refused("rmove=b1", 400, "unknown parameter \"rmove\"");
    refused("remove=b9", 404, "no broker b9");
    refused("drain=b9", 404, "no broker b9");
    refused("weight=b9:2", 404, "no broker b9");
    refused("add=b1", 400, "broker b1 exists already");
    refused("add=b4&add=b4:2", 400, "broker b4 is given twice");
    refused("weight=b1:2&weight=b1:3", 400, "broker b1 is given twice");
    refused("add=b4:2&weight=b4:3", 400, "give its weight once");
    refused("weight=2", 400, "write weight=ID:W");
    refused("add=b4:2&weight=3", 400, "write weight=ID:W");
    refused("weight=b1:0", 400, "must be a whole number from 1 to 1000");
    refused("weight=b1:1001", 400, "must be a whole number from 1 to 1000");
    refused("weight=b1:two", 400, "must be a whole number from 1 to 1000");
    refused("add=b4:-1", 400, "must be a whole number from 1 to 1000");
    refused("add=bad%20id", 400, "add: broker id must be");
    refused("remove=", 400, "remove: an empty value");
    refused("drain=b1,", 400, "drain: an empty value");
    refused("remove=b1,b2,b3", 400, "leaves no broker");
    refused("remove=b1&drain=b1", 400, "both removed and drained");
    refused("remove=b1&weight=b1:2", 400, "both removed and re-weighted");
    refused("add=b4&samples=-1", 400, "samples must be one whole number from 0 to 1000");
    refused("add=b4&samples=1001", 400, "samples must be");
    refused("add=b4&samples=many", 400, "samples must be");
    refused("add=b4&samples=1&samples=2", 400, "samples must be");
    AdminCalls.assertError(admin.call("GET", "/api/v1/whatif?add=b4", null, null), 401, "missing bearer token");
  }

  @Test
  void aBareWeightIsTheAddedBrokers() throws Exception {
    assertEquals(whatIf("add=b4:3").getJsonArray("moves"), whatIf("add=b4&weight=3").getJsonArray("moves"));
    assertEquals("add b4 (weight 1), weight b1:2", whatIf("add=b4&weight=b1:2").getString("change"));
  }
}
