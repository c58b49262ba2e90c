package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mqttlb.cluster.TableEntry;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.CleanSessionRouting;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin client commands as a user runs them ({@code mqttlb status}, {@code route}, {@code brokers},
 * {@code mode}, {@code table}), in process, against a real standalone node: what they print, what
 * their writes change, and how they fail.
 */
class AdminCommandsTest {
  private static final String TOKEN = "s3cret";
  private BalancerNode node;
  private String admin;

  @BeforeEach
  void startNode() throws Exception {
    // Admin calls need no live broker: these addresses are never dialled.
    // Nothing listens there either: health checks an hour apart keep the brokers up for the test.
    // Clean-session clients go least-loaded; with no client connected every count is 0, so the ring breaks the tie.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-cli")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(new AdminConfig("127.0.0.1", 0, TOKEN))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1884, 1), new BrokerConfig("b2", "127.0.0.1", 1885, 3)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    config = config.withRouting(config.routing().withCleanSessions(CleanSessionRouting.LEAST_LOADED));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
    admin = "http://127.0.0.1:" + node.adminPort();
  }

  @AfterEach
  void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  /** {@code mqttlb COMMAND... --admin URL --token T}. */
  private CliRun mqttlb(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--admin", admin, "--token", TOKEN));
    return CliRun.of(all.toArray(String[]::new));
  }

  private static CliRun succeeded(CliRun run) {
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("", run.err(), run.toString());
    return run;
  }

  private static void assertLine(String output, String... cells) {
    // One line holding these cells in this order, separated by the table's blanks.
    String line = String.join(" +", Arrays.stream(cells).map(Pattern::quote).toList());
    assertTrue(Pattern.compile("(?m)^" + line + "$").matcher(output).find(), "a line '" + String.join(" ", cells) + "' in:\n" + output);
  }

  private String addressOf(String brokerId) {
    return node.snapshot().brokers().stream().filter(b -> b.id().equals(brokerId)).findFirst().orElseThrow().address();
  }

  private static List<String> lines(String output) {
    return output.lines().toList();
  }

  @Test
  void statusShowsTheNodeAndItsBrokerTable() {
    String out = succeeded(mqttlb("status")).out();
    assertLine(out, "node", "lb-cli");
    assertLine(out, "mode", "hash");
    assertLine(out, "clean sessions", "least-loaded");
    assertLine(out, "epoch", String.valueOf(node.snapshot().epoch()));
    assertLine(out, "members", "lb-cli");
    assertLine(out, "state from", "config");
    assertLine(out, "clients", "0");
    assertLine(out, "table", "0 entries (0 overrides, 0 sticky)");
    assertLine(out, "ID", "ADDRESS", "WEIGHT", "HEALTHY", "CONNECTIONS", "DRAINED");
    assertLine(out, "b1", "127.0.0.1:1884", "1", "yes", "0", "no");
    assertLine(out, "b2", "127.0.0.1:1885", "3", "yes", "0", "no");
  }

  @Test
  void brokersListsOneAlignedRowPerBroker() {
    List<String> lines = lines(succeeded(mqttlb("brokers")).out());
    assertEquals(3, lines.size(), String.join("\n", lines));
    assertLine(lines.get(0), "ID", "ADDRESS", "WEIGHT", "HEALTHY", "CONNECTIONS", "DRAINED");
    assertLine(lines.get(1), "b1", "127.0.0.1:1884", "1", "yes", "0", "no");
    assertLine(lines.get(2), "b2", "127.0.0.1:1885", "3", "yes", "0", "no");
    // Aligned: every column starts at the same offset on every line.
    assertEquals(lines.get(0).indexOf("ADDRESS"), lines.get(1).indexOf("127.0.0.1"));
    assertEquals(lines.get(0).indexOf("HEALTHY"), lines.get(2).indexOf("yes"));
  }

  @Test
  void jsonPrintsTheNodesAnswerAsItCame() {
    JsonArray brokers = new JsonArray(succeeded(mqttlb("brokers", "--json")).out());
    assertEquals(List.of("b1", "b2"), brokers.stream().map(b -> ((JsonObject) b).getString("id")).toList());
    assertEquals("lb-cli", new JsonObject(succeeded(mqttlb("status", "--json")).out()).getString("node"));
    assertEquals("hash", new JsonObject(succeeded(mqttlb("mode", "--json")).out()).getString("mode"));
  }

  @Test
  void routeShowsTheRingOwnerOfAClientIdOrAUserName() {
    String owner = node.router().route("sensor/1 ü", null, null).broker().id();
    String out = succeeded(mqttlb("route", "sensor/1 ü")).out();
    assertLine(out, "BROKER", "ADDRESS", "SOURCE", "KEY-SOURCE", "KEY");
    assertLine(out, owner, addressOf(owner), "ring", "client-id", "sensor/1 ü");

    String byUser = succeeded(mqttlb("route", "--username", "alice & bob")).out();
    String userOwner = node.router().route(null, "alice & bob", null).broker().id();
    assertLine(byUser, userOwner, addressOf(userOwner), "ring", "username", "alice & bob");
  }

  @Test
  void routeExplainsACleanSessionClientAsPlacedByLoad() {
    String owner = node.router().route("sensor-3", null, null).broker().id();
    assertLine(succeeded(mqttlb("route", "sensor-3", "--clean-session")).out(), owner, addressOf(owner), "least-loaded",
        "client-id", "sensor-3");
    assertLine(succeeded(mqttlb("route", "sensor-3")).out(), owner, addressOf(owner), "ring", "client-id", "sensor-3");
  }

  @Test
  void routeSendsTheCertificateCnWhichThisNodeDoesNotRouteBy() {
    // The node routes by client id: with one, the CN is ignored; alone, the node says why it cannot answer.
    String owner = node.router().route("sensor-2", null, null).broker().id();
    assertLine(succeeded(mqttlb("route", "sensor-2", "--certificate-cn", "device-7")).out(),
        owner, addressOf(owner), "ring", "client-id", "sensor-2");
    CliRun cnOnly = mqttlb("route", "--certificate-cn", "device-7");
    assertEquals(1, cnOnly.exitCode(), cnOnly.toString());
    assertTrue(cnOnly.err().startsWith("mqttlb: 400: this node routes by client-id"), cnOnly.err());
  }

  @Test
  void brokersSetAddsThenChangesAndRemoveRemoves() {
    assertEquals("added broker b3: 127.0.0.1:1886, weight 1\n", succeeded(mqttlb("brokers", "set", "b3", "127.0.0.1:1886")).out());
    assertLine(succeeded(mqttlb("brokers")).out(), "b3", "127.0.0.1:1886", "1", "yes", "0", "no");

    assertEquals("changed broker b3: 127.0.0.1:1887, weight 5\n",
        succeeded(mqttlb("brokers", "set", "b3", "127.0.0.1:1887", "--weight", "5")).out());
    String listed = succeeded(mqttlb("brokers")).out();
    assertLine(listed, "b3", "127.0.0.1:1887", "5", "yes", "0", "no");
    assertFalse(listed.contains("1886"), listed);

    assertEquals("removed broker b3\n", succeeded(mqttlb("brokers", "remove", "b3")).out());
    assertFalse(succeeded(mqttlb("brokers")).out().contains("b3"));
    assertEquals(List.of("b1", "b2"), node.snapshot().brokers().stream().map(BrokerConfig::id).toList());
  }

  @Test
  void brokersSetSendsAPROXYProtocolVersionAndTheTableShowsIt() {
    assertEquals("added broker b3: 127.0.0.1:1886, weight 1, PROXY protocol v2\n",
        succeeded(mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--send-proxy-protocol", "v2")).out());
    String listed = succeeded(mqttlb("brokers")).out();
    assertLine(listed, "ID", "ADDRESS", "WEIGHT", "PROXY", "HEALTHY", "CONNECTIONS", "DRAINED");
    assertLine(listed, "b1", "127.0.0.1:1884", "1", "none", "yes", "0", "no");
    assertLine(listed, "b3", "127.0.0.1:1886", "1", "v2", "yes", "0", "no");
    assertLine(succeeded(mqttlb("status")).out(), "b3", "127.0.0.1:1886", "1", "v2", "yes", "0", "no");

    assertEquals("changed broker b3: 127.0.0.1:1886, weight 4, PROXY protocol v2\n",
        succeeded(mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--weight", "4")).out(), "left out, it is kept");
    assertEquals("changed broker b3: 127.0.0.1:1886, weight 4\n",
        succeeded(mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--send-proxy-protocol", "none")).out());
    assertLine(succeeded(mqttlb("brokers")).out(), "ID", "ADDRESS", "WEIGHT", "HEALTHY", "CONNECTIONS", "DRAINED");

    CliRun badVersion = mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--send-proxy-protocol", "v3");
    assertEquals(2, badVersion.exitCode(), badVersion.toString());
    assertTrue(badVersion.err().contains("--send-proxy-protocol: unknown PROXY protocol version 'v3'"), badVersion.err());
  }

  @Test
  void brokersSetCapsTheConnectRateAndTheTableShowsIt() {
    assertEquals("added broker b3: 127.0.0.1:1886, weight 1, at most 500 new connections/s\n",
        succeeded(mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--max-connect-rate", "500")).out());
    String listed = succeeded(mqttlb("brokers")).out();
    assertLine(listed, "ID", "ADDRESS", "WEIGHT", "MAX RATE", "HEALTHY", "CONNECTIONS", "DRAINED");
    assertLine(listed, "b1", "127.0.0.1:1884", "1", "default", "yes", "0", "no");
    assertLine(listed, "b3", "127.0.0.1:1886", "1", "500/s", "yes", "0", "no");
    assertEquals(500, node.snapshot().broker("b3").maxConnectRate());

    assertEquals("changed broker b3: 127.0.0.1:1886, weight 2, at most 500 new connections/s\n",
        succeeded(mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--weight", "2")).out(), "left out, it is kept");
    assertEquals("changed broker b3: 127.0.0.1:1886, weight 2\n",
        succeeded(mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--max-connect-rate", "0")).out());
    assertLine(succeeded(mqttlb("brokers")).out(), "ID", "ADDRESS", "WEIGHT", "HEALTHY", "CONNECTIONS", "DRAINED");

    CliRun negative = mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--max-connect-rate", "-3");
    assertEquals(2, negative.exitCode(), negative.toString());
    assertTrue(negative.err().contains("--max-connect-rate must be 0 or more, got -3"), negative.err());
    CliRun tooHigh = mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--max-connect-rate", "2000000");
    assertEquals(1, tooHigh.exitCode(), tooHigh.toString());
    assertTrue(tooHigh.err().contains("maxConnectRate must be between 0 and 1000000"), tooHigh.err());
  }

  @Test
  void brokersSetRefusesTheNodesOwnListener() {
    CliRun loop = mqttlb("brokers", "set", "b3", "127.0.0.1:" + node.port());
    assertEquals(1, loop.exitCode(), loop.toString());
    assertTrue(loop.err().startsWith("mqttlb: 400: address ") && loop.err().contains("own listener 'tcp'"), loop.err());
    assertEquals(2, node.snapshot().brokers().size());
  }

  @Test
  void brokerChangesTheNodeRefusesExitOneWithItsMessage() {
    CliRun unknown = mqttlb("brokers", "remove", "b9");
    assertEquals(1, unknown.exitCode(), unknown.toString());
    assertEquals("mqttlb: 404: no broker b9\n", unknown.err());
    assertEquals("", unknown.out());

    CliRun badAddress = mqttlb("brokers", "set", "b3", "nohost");
    assertEquals(1, badAddress.exitCode(), badAddress.toString());
    assertTrue(badAddress.err().startsWith("mqttlb: 400: ") && badAddress.err().contains("not host:port"), badAddress.err());

    assertEquals("removed broker b1\n", succeeded(mqttlb("brokers", "remove", "b1")).out());
    CliRun last = mqttlb("brokers", "remove", "b2");
    assertEquals(1, last.exitCode(), last.toString());
    assertTrue(last.err().startsWith("mqttlb: 409: ") && last.err().contains("last"), last.err());
    assertEquals(List.of("b2"), node.snapshot().brokers().stream().map(BrokerConfig::id).toList());
  }

  @Test
  void modeShowsAndSets() {
    assertEquals("routing mode: hash\n", succeeded(mqttlb("mode")).out());
    assertEquals("routing mode set to table\n", succeeded(mqttlb("mode", "table")).out());
    assertEquals(RoutingMode.TABLE, node.snapshot().mode());
    assertEquals("routing mode: table\n", succeeded(mqttlb("mode")).out());
    assertLine(succeeded(mqttlb("status")).out(), "mode", "table");
    assertEquals("routing mode set to hash\n", succeeded(mqttlb("mode", "HASH")).out());
    assertEquals("routing mode: hash\n", succeeded(mqttlb("mode")).out());
  }

  @Test
  void tableSetListsAndDeletesOverridesWithAwkwardKeys() {
    succeeded(mqttlb("mode", "table"));
    String awkward = "site/7 sensor ü?&%";
    String owner = node.router().route(awkward, null, null).broker().id();
    String other = owner.equals("b1") ? "b2" : "b1";

    String set = succeeded(mqttlb("table", "set", awkward, other, "--ttl", "10m")).out();
    assertTrue(set.startsWith("override " + awkward + " -> " + other + ", expires 20"), set);
    assertEquals("override dev-1 -> b1, no expiry\n", succeeded(mqttlb("table", "set", "dev-1", "b1")).out());
    assertEquals("override dev-2 -> b2, no expiry\n", succeeded(mqttlb("table", "set", "dev-2", "b2")).out());

    String listed = succeeded(mqttlb("table")).out();
    List<String> lines = lines(listed);
    assertLine(lines.get(0), "KEY", "BROKER", "KIND", "EXPIRES");
    assertLine(lines.get(1), "dev-1", "b1", "override", "never");
    assertLine(lines.get(2), "dev-2", "b2", "override", "never");
    assertTrue(Pattern.compile("^" + Pattern.quote(awkward) + " +" + other + " +override +20\\d\\d-\\d\\d-\\d\\dT").matcher(lines.get(3)).find(),
        listed);
    assertEquals("3 of 3 entries (3 overrides, 0 sticky)", lines.get(4));

    // The override is what the node now routes by.
    assertLine(succeeded(mqttlb("route", awkward)).out(), other, addressOf(other), "override", "client-id", awkward);

    assertEquals("removed " + awkward + " from the table\n", succeeded(mqttlb("table", "delete", awkward)).out());
    assertLine(succeeded(mqttlb("route", awkward)).out(), owner, addressOf(owner), "ring", "client-id", awkward);
    assertEquals("2 of 2 entries (2 overrides, 0 sticky)", lines(succeeded(mqttlb("table")).out()).get(3));
  }

  @Test
  void tablePrefixAndLimitNarrowTheListing() {
    for (int i = 0; i < 5; i++) {
      node.state().putOverride("dev-" + i, "b1", null);
    }
    node.state().putOverride("other", "b2", null);

    List<String> lines = lines(succeeded(mqttlb("table", "--prefix", "dev-", "--limit", "2")).out());
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertLine(lines.get(1), "dev-0", "b1", "override", "never");
    assertLine(lines.get(2), "dev-1", "b1", "override", "never");
    assertEquals("2 of 6 entries (6 overrides, 0 sticky); --limit shows more", lines.get(3));

    List<String> other = lines(succeeded(mqttlb("table", "--prefix", "oth")).out());
    assertEquals(3, other.size(), String.join("\n", other));
    assertLine(other.get(1), "other", "b2", "override", "never");
  }

  @Test
  void tableShowsStickyEntriesWithTheirExpiry() throws Exception {
    node.state().recordSticky("truck-17", "b2", io.mqttlb.cluster.StickyEvent.CONNECTED);
    long deadline = System.currentTimeMillis() + 5000;
    while (node.state().stickyCount() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    TableEntry entry = node.state().table("truck-17", 1).entries().get(0);
    String out = succeeded(mqttlb("table")).out();
    assertLine(out, "truck-17", "b2", "sticky", java.time.Instant.ofEpochMilli(entry.expiresAt()).toString());
    assertTrue(out.endsWith("1 of 1 entry (0 overrides, 1 sticky)\n"), out);
    assertLine(succeeded(mqttlb("status")).out(), "table", "1 entry (0 overrides, 1 sticky)");
  }

  @Test
  void tableSetToAnUnknownBrokerFailsAndChangesNothing() {
    CliRun run = mqttlb("table", "set", "k", "b9");
    assertEquals(1, run.exitCode(), run.toString());
    assertEquals("mqttlb: 404: no broker b9\n", run.err());
    assertEquals(0, node.state().overrideCount());

    CliRun absent = mqttlb("table", "delete", "k");
    assertEquals(1, absent.exitCode(), absent.toString());
    assertEquals("mqttlb: 404: no table entry for key k\n", absent.err());

    CliRun dots = mqttlb("table", "set", "..", "b1");
    assertEquals(1, dots.exitCode(), dots.toString());
    assertEquals("mqttlb: the admin API cannot address the key '..': URL paths drop '.' and '..' segments\n", dots.err());

    CliRun limit = mqttlb("table", "--limit", "0");
    assertEquals(1, limit.exitCode(), limit.toString());
    assertTrue(limit.err().startsWith("mqttlb: 400: limit"), limit.err());
  }

  @Test
  void aWrongOrMissingTokenExitsOneWithTheNodesMessage() {
    CliRun wrong = CliRun.of("status", "--admin", admin, "--token", "guess");
    assertEquals(1, wrong.exitCode(), wrong.toString());
    assertEquals("mqttlb: 401: wrong bearer token\n", wrong.err());
    assertEquals("", wrong.out());

    // No --token: the token comes from MQTTLB_ADMIN_TOKEN, which the build does not set.
    CliRun missing = CliRun.of("mode", "table", "--admin", admin);
    assertEquals(1, missing.exitCode(), missing.toString());
    assertEquals("mqttlb: 401: missing bearer token\n", missing.err());
    assertEquals(RoutingMode.HASH, node.snapshot().mode(), "a refused write changes nothing");
  }

  @Test
  void anUnreachableNodeExitsOneNamingTheUrl() {
    String nobody = "http://127.0.0.1:" + Ports.free();
    CliRun run = CliRun.of("brokers", "--admin", nobody, "--token", TOKEN);
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("mqttlb: cannot reach the admin API at " + nobody + ": "), run.err());
    assertTrue(run.err().toLowerCase().contains("refused"), run.err());
    assertEquals(1, lines(run.err()).size(), run.err());

    CliRun unknownHost = CliRun.of("status", "--admin", "http://no-such-host.invalid:8080");
    assertEquals(1, unknownHost.exitCode(), unknownHost.toString());
    assertEquals("mqttlb: cannot reach the admin API at http://no-such-host.invalid:8080: unknown host no-such-host.invalid\n",
        unknownHost.err());
  }

  @Test
  void somethingOtherThanAnAdminApiIsReportedInOneLine() throws Exception {
    // As if --admin pointed at a web server or a proxy: answers that are not the node's JSON.
    HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    other.createContext("/api/v1/status", exchange -> answer(exchange, 200, "<html>welcome</html>"));
    other.createContext("/api/v1/brokers", exchange -> answer(exchange, 502, "<html><body>Bad Gateway</body></html>\n<p>more</p>"));
    other.start();
    try {
      String url = "http://127.0.0.1:" + other.getAddress().getPort();
      CliRun notJson = CliRun.of("status", "--admin", url);
      assertEquals(1, notJson.exitCode(), notJson.toString());
      assertEquals("mqttlb: " + url + "/api/v1/status answered 200 but not a JSON object; is --admin the admin port of an mqttlb node?\n",
          notJson.err());
      CliRun gateway = CliRun.of("brokers", "--admin", url);
      assertEquals(1, gateway.exitCode(), gateway.toString());
      assertEquals("mqttlb: 502: <html><body>Bad Gateway</body></html>\n", gateway.err());
    } finally {
      other.stop(0);
    }
    CliRun wrongPath = CliRun.of("status", "--admin", admin + "/nothing", "--token", TOKEN);
    assertEquals(1, wrongPath.exitCode(), wrongPath.toString());
    assertEquals("mqttlb: 404: no such call: GET /nothing/api/v1/status\n", wrongPath.err());
  }

  private static void answer(HttpExchange exchange, int status, String body) throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/html");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Test
  void brokersDrainAndEnableShowInTheTablesAndStatusShowsTheJob() throws Exception {
    String drained = succeeded(mqttlb("brokers", "drain", "b2", "--rate", "50")).out();
    assertTrue(Pattern.compile("^draining broker b2 at 50/s: 0 client\\(s\\) to move \\(job move-lb-cli-\\w+\\)\n$")
        .matcher(drained).matches(), drained);
    assertTrue(node.snapshot().isDrained("b2"));
    assertLine(succeeded(mqttlb("brokers")).out(), "b2", "127.0.0.1:1885", "3", "yes", "0", "yes");
    io.mqttlb.testing.Await.until("the job is done", () -> succeeded(mqttlb("status")).out().contains("remaining, done"));
    String status = succeeded(mqttlb("status")).out();
    assertTrue(Pattern.compile("(?m)^moves +drain b2 at 50/s: 0 done, 0 remaining, done \\(move-lb-cli-\\w+\\)$")
        .matcher(status).find(), status);
    assertLine(status, "b1", "127.0.0.1:1884", "1", "yes", "0", "no");
    assertLine(status, "b2", "127.0.0.1:1885", "3", "yes", "0", "yes");
    assertEquals("drain", new JsonObject(succeeded(mqttlb("status", "--json")).out()).getJsonObject("moves").getString("kind"));

    assertEquals("enabled broker b2\n", succeeded(mqttlb("brokers", "enable", "b2")).out());
    assertFalse(node.snapshot().isDrained("b2"));
    assertLine(succeeded(mqttlb("brokers")).out(), "b2", "127.0.0.1:1885", "3", "yes", "0", "no");
  }

  @Test
  void rebalanceStartsAJobAndPrintsIt() {
    String out = succeeded(mqttlb("rebalance", "--rate", "2.5")).out();
    assertTrue(Pattern.compile("^rebalancing at 2.5/s: 0 client\\(s\\) to move \\(job move-lb-cli-\\w+\\)\n$")
        .matcher(out).matches(), out);
    JsonObject json = new JsonObject(succeeded(mqttlb("rebalance", "--rate", "100", "--json")).out());
    assertEquals("rebalance", json.getString("kind"));
    assertEquals(100, json.getValue("rate"));
  }

  @Test
  void moveCommandsTheNodeRefusesOrCannotParseFail() {
    CliRun unknown = mqttlb("brokers", "drain", "b9", "--rate", "5");
    assertEquals(1, unknown.exitCode(), unknown.toString());
    assertEquals("mqttlb: 404: no broker b9\n", unknown.err());
    CliRun unknownEnable = mqttlb("brokers", "enable", "b9");
    assertEquals(1, unknownEnable.exitCode(), unknownEnable.toString());
    assertEquals("mqttlb: 404: no broker b9\n", unknownEnable.err());

    for (String[] args : List.of(new String[] {"brokers", "drain", "b1"}, new String[] {"brokers", "drain", "b1", "--rate", "0"},
        new String[] {"brokers", "drain", "b1", "--rate", "fast"}, new String[] {"rebalance"},
        new String[] {"rebalance", "--rate", "-1"}, new String[] {"rebalance", "--rate", "2000000"},
        new String[] {"brokers", "drain", "", "--rate", "5"}, new String[] {"brokers", "enable"})) {
      CliRun run = mqttlb(args);
      assertEquals(2, run.exitCode(), run.toString());
      assertTrue(run.err().contains("--rate") || run.err().contains("ID"), run.toString());
    }
    assertFalse(node.snapshot().isDrained("b1"));
    assertEquals(null, new JsonObject(succeeded(mqttlb("status", "--json")).out()).getValue("moves"));
  }

  @Test
  void badUsageExitsTwoAndChangesNothing() {
    CliRun noKey = mqttlb("route");
    assertEquals(2, noKey.exitCode(), noKey.toString());
    assertTrue(noKey.err().contains("give a CLIENT_ID, a --username or a --certificate-cn (or several)"), noKey.err());

    CliRun badMode = mqttlb("mode", "random");
    assertEquals(2, badMode.exitCode(), badMode.toString());
    assertTrue(badMode.err().contains("unknown routing mode"), badMode.err());
    assertEquals(RoutingMode.HASH, node.snapshot().mode());

    CliRun badTtl = mqttlb("table", "set", "k", "b1", "--ttl", "soon");
    assertEquals(2, badTtl.exitCode(), badTtl.toString());
    assertTrue(badTtl.err().contains("--ttl"), badTtl.err());
    assertEquals(0, node.state().overrideCount());

    CliRun missingAddress = mqttlb("brokers", "set", "b3");
    assertEquals(2, missingAddress.exitCode(), missingAddress.toString());
    assertTrue(missingAddress.err().contains("ADDRESS"), missingAddress.err());
    assertEquals(2, node.snapshot().brokers().size());

    CliRun notANumber = mqttlb("brokers", "set", "b3", "127.0.0.1:1886", "--weight", "heavy");
    assertEquals(2, notANumber.exitCode(), notANumber.toString());
    assertTrue(notANumber.err().contains("--weight"), notANumber.err());

    CliRun emptyKey = mqttlb("table", "delete", "");
    assertEquals(2, emptyKey.exitCode(), emptyKey.toString());
    assertTrue(emptyKey.err().contains("KEY must not be empty"), emptyKey.err());

    CliRun badUrl = CliRun.of("status", "--admin", "ftp://127.0.0.1:21");
    assertEquals(2, badUrl.exitCode(), badUrl.toString());
    assertTrue(badUrl.err().contains("--admin: expected a URL like http://127.0.0.1:8080"), badUrl.err());

    CliRun withQuery = CliRun.of("status", "--admin", admin + "/?x=1");
    assertEquals(2, withQuery.exitCode(), withQuery.toString());

    CliRun unknownSub = mqttlb("brokers", "frobnicate");
    assertEquals(2, unknownSub.exitCode(), unknownSub.toString());
  }
}
