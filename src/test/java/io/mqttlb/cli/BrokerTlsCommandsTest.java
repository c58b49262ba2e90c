package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqttlb brokers set} with its TLS options, and the TLS column of {@code brokers} and {@code status}. */
class BrokerTlsCommandsTest {
  private BalancerNode node;
  private String admin;
  private String ca;

  @BeforeEach
  void startNode(@TempDir Path dir) throws Exception {
    ca = TestPki.create(dir, "brokers").caPath().toString();
    // Nothing listens at these addresses: health checks an hour apart keep the brokers up for the test.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-tls-cli")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1884, 1)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
    admin = "http://127.0.0.1:" + node.adminPort();
  }

  @AfterEach
  void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private CliRun mqttlb(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--admin", admin));
    return CliRun.of(all.toArray(String[]::new));
  }

  private static String succeeded(CliRun run) {
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("", run.err(), run.toString());
    return run.out();
  }

  private static void assertLine(String output, String... cells) {
    String line = String.join(" +", Arrays.stream(cells).map(Pattern::quote).toList());
    assertTrue(Pattern.compile("(?m)^" + line + "$").matcher(output).find(),
        "a line '" + String.join(" ", cells) + "' in:\n" + output);
  }

  @Test
  void brokersSetSendsTlsSettingsAndTheTablesShowThem() {
    assertEquals("added broker b2: 127.0.0.1:8883, weight 1, TLS yes (b2.example.com)\n", succeeded(mqttlb(
        "brokers", "set", "b2", "127.0.0.1:8883", "--tls-ca", ca, "--tls-server-name", "b2.example.com")));
    assertEquals(new BrokerTlsConfig(ca, "b2.example.com", true), node.snapshot().broker("b2").tls());
    String listed = succeeded(mqttlb("brokers"));
    assertLine(listed, "ID", "ADDRESS", "WEIGHT", "TLS", "HEALTHY", "CONNECTIONS", "DRAINED");
    assertLine(listed, "b1", "127.0.0.1:1884", "1", "no", "yes", "0", "no");
    assertLine(listed, "b2", "127.0.0.1:8883", "1", "yes (b2.example.com)", "yes", "0", "no");
    assertLine(succeeded(mqttlb("status")), "b2", "127.0.0.1:8883", "1", "yes (b2.example.com)", "yes", "0", "no");

    assertEquals("changed broker b2: 127.0.0.1:8883, weight 3, TLS yes (b2.example.com)\n",
        succeeded(mqttlb("brokers", "set", "b2", "127.0.0.1:8883", "--weight", "3")), "left out, TLS is kept");
    assertEquals("changed broker b2: 127.0.0.1:8883, weight 3, TLS unverified\n",
        succeeded(mqttlb("brokers", "set", "b2", "127.0.0.1:8883", "--tls-no-verify")));
    assertEquals("changed broker b2: 127.0.0.1:8883, weight 3, TLS yes\n",
        succeeded(mqttlb("brokers", "set", "b2", "127.0.0.1:8883", "--tls")));
    assertEquals(BrokerTlsConfig.DEFAULTS, node.snapshot().broker("b2").tls());
    assertEquals("changed broker b2: 127.0.0.1:8883, weight 3\n",
        succeeded(mqttlb("brokers", "set", "b2", "127.0.0.1:8883", "--no-tls")));
    assertNull(node.snapshot().broker("b2").tls());
    assertFalse(succeeded(mqttlb("brokers")).contains("TLS"), "no TLS column when no broker has TLS");
  }

  @Test
  void contradictoryOrWrongTlsOptionsAreRefused() {
    CliRun both = mqttlb("brokers", "set", "b2", "127.0.0.1:8883", "--no-tls", "--tls-ca", ca);
    assertEquals(2, both.exitCode(), both.toString());
    assertTrue(both.err().contains("--no-tls cannot be combined with --tls or a --tls-* option"), both.err());

    CliRun missingCa = mqttlb("brokers", "set", "b2", "127.0.0.1:8883", "--tls-ca", "/nonexistent/ca.pem");
    assertEquals(1, missingCa.exitCode(), missingCa.toString());
    assertTrue(missingCa.err().contains("'/nonexistent/ca.pem': file not found on this node"), missingCa.err());
    assertNull(node.snapshot().broker("b2"), "nothing was added");
  }

  @Test
  void theTlsColumnSaysHowEachBrokerIsReached() {
    JsonArray brokers = new JsonArray()
        .add(row("b1").putNull("tls"))
        .add(row("b2").put("tls", new JsonObject().put("verify", true)))
        .add(row("b3").put("tls", new JsonObject().put("serverName", "b3.example.com").put("verify", true)))
        .add(row("b4").put("tls", new JsonObject().put("verify", false)))
        .add(row("b5")); // an older node answers no tls field: plain TCP
    assertEquals("""
        ID  ADDRESS     WEIGHT  TLS                   HEALTHY  CONNECTIONS  DRAINED
        b1  10.0.0.1:1       1  no                    yes                0  no
        b2  10.0.0.2:1       1  yes                   yes                0  no
        b3  10.0.0.3:1       1  yes (b3.example.com)  yes                0  no
        b4  10.0.0.4:1       1  unverified            yes                0  no
        b5  10.0.0.5:1       1  no                    yes                0  no
        """, BrokersCommand.table(brokers));
  }

  private static JsonObject row(String id) {
    return new JsonObject().put("id", id).put("address", "10.0.0." + id.substring(1) + ":1").put("weight", 1)
        .put("healthy", true).put("connections", 0).put("drained", false);
  }
}
