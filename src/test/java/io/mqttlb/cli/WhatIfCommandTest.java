package io.mqttlb.cli;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mqttlb whatif} as a user runs it, in process, against a real standalone node without
 * clients: the table, the JSON, how the options become the query, and how it fails; the rendering
 * of clients, samples and silent members from an answer written here.
 */
class WhatIfCommandTest {
  private static final String TOKEN = "s3cret";
  private static BalancerNode node;

  @BeforeAll
  static void startNode() throws Exception {
    // Never dialled; health checks an hour apart keep the brokers up for the test.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-cli")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1884, 1), new BrokerConfig("b2", "127.0.0.1", 1885, 3)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private static CliRun mqttlb(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--admin", "http://127.0.0.1:" + node.adminPort(), "--token", TOKEN));
    return CliRun.of(all.toArray(String[]::new));
  }

  private static CliRun succeeded(CliRun run) {
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("", run.err(), run.toString());
    return run;
  }

  private static void assertLine(String output, String... cells) {
    String line = String.join(" +", Arrays.stream(cells).map(Pattern::quote).toList());
    assertTrue(Pattern.compile("(?m)^" + line + "$").matcher(output).find(),
        "a line '" + String.join(" ", cells) + "' in:\n" + output);
  }

  private static String percent(JsonObject object) {
    return String.format(Locale.ROOT, "%.2f %%", object.getDouble("keySpace") * 100);
  }

  @Test
  void printsOneRowPerPairAndTheTotal() {
    JsonObject answer = new JsonObject(succeeded(mqttlb("whatif", "--add", "b3:2", "--json")).out());
    assertEquals("add b3 (weight 2)", answer.getString("change"));
    String out = succeeded(mqttlb("whatif", "--add", "b3:2")).out();

    assertLine(out, "what if: add b3 (weight 2)  (mode hash, epoch " + node.snapshot().epoch() + ")");
    assertLine(out, "FROM", "TO", "KEY SPACE", "CLIENTS", "SAMPLE KEYS");
    for (Object item : answer.getJsonArray("moves")) {
      JsonObject move = (JsonObject) item;
      assertLine(out, move.getString("from"), "b3", percent(move), "0", "-");
    }
    assertLine(out, "all", percent(answer), "0", "of 0 connected clients, on lb-cli");
    assertEquals(2 + answer.getJsonArray("moves").size() + 1, out.lines().count(), out);
  }

  @Test
  void optionsCombineAndRepeat() {
    JsonObject answer = new JsonObject(succeeded(mqttlb("whatif", "--add", "b3", "--add", "b4:2", "--weight", "b1:2",
        "--drain", "b2", "--json")).out());
    assertEquals("add b3 (weight 1), add b4 (weight 2), weight b1:2, drain b2", answer.getString("change"));
    JsonObject withoutB1 = new JsonObject(succeeded(mqttlb("whatif", "--remove", "b1", "--json")).out());
    JsonObject withoutB2 = new JsonObject(succeeded(mqttlb("whatif", "--remove", "b2", "--json")).out());
    assertEquals("remove b1", withoutB1.getString("change"));
    assertEquals(1.0, withoutB1.getDouble("keySpace") + withoutB2.getDouble("keySpace"), 1e-12,
        "every key is b1's or b2's: removing either moves exactly its share");
    assertTrue(withoutB2.getDouble("keySpace") > 0.6, "b2 has weight 3 of 4");
  }

  @Test
  void failsWithTheUsageOrTheNodesReason() {
    CliRun nothing = mqttlb("whatif");
    assertEquals(2, nothing.exitCode(), nothing.toString());
    assertTrue(nothing.err().contains("give at least one of --remove ID"), nothing.toString());

    CliRun bareWeight = mqttlb("whatif", "--weight", "3");
    assertEquals(2, bareWeight.exitCode(), bareWeight.toString());
    assertTrue(bareWeight.err().contains("--weight takes ID:W"), bareWeight.toString());

    CliRun unknown = mqttlb("whatif", "--remove", "b9");
    assertEquals(1, unknown.exitCode(), unknown.toString());
    assertEquals("mqttlb: 404: no broker b9\n", unknown.err());

    CliRun badWeight = mqttlb("whatif", "--weight", "b1:0");
    assertEquals(1, badWeight.exitCode(), badWeight.toString());
    assertTrue(badWeight.err().startsWith("mqttlb: 400: weight: the weight in \"b1:0\""), badWeight.toString());
  }

  @Test
  void rendersClientsSamplesAndSilentMembers() {
    JsonObject answer = new JsonObject()
        .put("change", "remove b2").put("mode", "table").put("epoch", 7).put("keySpace", 0.5)
        .put("moves", new JsonArray()
            .add(new JsonObject().put("from", "b2").put("to", "b1").put("keySpace", 0.25).put("clients", 3)
                .put("samples", new JsonArray().add("dev-1").add("dev-2")))
            .add(new JsonObject().put("from", "b2").put("to", "b3").put("keySpace", 0.25).put("clients", 1)
                .put("samples", new JsonArray().add("dev\n9"))))
        .put("clients", new JsonObject().put("connected", 40).put("moving", 4))
        .put("nodes", new JsonArray().add("lb-1").add("lb-2"))
        .put("incomplete", new JsonArray().add("lb-3"));
    String out = WhatIfCommand.render(answer);

    assertLine(out, "what if: remove b2  (mode table, epoch 7)");
    assertLine(out, "b2", "b1", "25.00 %", "3", "dev-1, dev-2, ...");
    assertLine(out, "b2", "b3", "25.00 %", "1", "dev\\n9");
    assertLine(out, "all", "50.00 %", "4", "of 40 connected clients, on lb-1, lb-2");
    assertLine(out, "incomplete: lb-3 did not answer; their clients are not counted");
  }
}
