package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.Ports;
import io.mqttlb.testing.TestPki;
import io.mqttlb.testing.TlsClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus rules under {@code cluster-config/observability} against a
 * running node: every metric and matcher label their expressions use is in the node's
 * {@code /metrics}, and both files have the shape their tools import. The node (a real Mosquitto
 * {@code b1}, a refusing {@code b2} that its health checks fail, a plain and a TLS listener) is made
 * to create every labelled series first: a relayed MQTT 5 client that a drain then moves, a TLS
 * client, bytes that are not MQTT, plain bytes to the TLS listener, a certificate reload.
 */
@EndToEnd
class ObservabilityFilesEndToEndTest {
  private static final Path DIR = Path.of("cluster-config", "observability");
  private static final Path DASHBOARD = DIR.resolve("grafana-dashboard.json");
  private static final Path RULES = DIR.resolve("prometheus-rules.yaml");
  private static final Path RULE_TESTS = DIR.resolve("prometheus-rules.test.yaml");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  static Path dir;
  private static Socket refusing;
  private static LocalTier tier;
  private static Map<String, Set<String>> exposed;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir, "observability");
    TestPki.Issued server = pki.server("server", "localhost", "127.0.0.1");
    refusing = Ports.refusing();
    int deadPort = refusing.getLocalPort();
    tier = LocalTier.start(1, config -> config
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0),
            new ListenerConfig("tls", "127.0.0.1", 0)
                .withTls(TlsConfig.of(server.certPath().toString(), server.keyPath().toString()))))
        .withBrokers(List.of(config.brokers().get(0), new BrokerConfig("b2", "127.0.0.1", deadPort, 1)))
        .withHealth(new HealthConfig(Duration.ofMillis(300), Duration.ofMillis(300), 2, 2)));
    BalancerNode node = tier.node;
    Metrics metrics = node.metrics();
    Await.until("the node's checks fail b2", () -> !node.health().isAvailable("b2"));

    Mqtt5BlockingClient moved = Clients.mqtt5("observed-moved", node.port());
    moved.connectWith().cleanStart(true).send();
    assertEquals("b1", TlsClients.brokerReachedMqtt5("observed-tls", node.listenerPorts().get("tls"),
        TlsClients.ssl(pki.caPath())));
    sendAndAwaitClose(node.port(), "GET / HTTP/1.1\r\n\r\n");
    sendAndAwaitClose(node.listenerPorts().get("tls"), "CONNECT, but not over TLS\r\n");
    assertEquals(200, http("POST", node, "/api/v1/listeners/tls/reload").statusCode());
    MovesEndToEndTest.post(node, "/api/v1/brokers/b1/drain", "{\"rate\":1000}", 202);
    Await.until("the MQTT 5 client's move is counted", () -> metrics.moveDisconnectCount(Metrics.MOVE_SENT_AT_ONCE)
        + metrics.moveDisconnectCount(Metrics.MOVE_SENT_AFTER_PACKET) + metrics.moveDisconnectCount(Metrics.MOVE_GIVEN_UP) == 1);
    Await.until("the TLS failure is counted", () -> metrics.rejectedCount(Metrics.REASON_TLS_HANDSHAKE) == 1);

    HttpResponse<String> scrape = http("GET", node, "/metrics");
    assertEquals(200, scrape.statusCode());
    exposed = PromQlCheck.exposed(scrape.body());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (tier != null) {
        tier.close();
      }
    } finally {
      if (refusing != null) {
        refusing.close();
      }
    }
  }

  @Test
  void everyMetricAndLabelTheDashboardAndTheRulesUseIsExposedByARunningNode() throws IOException {
    List<String> expressions = new ArrayList<>(dashboardExpressions());
    expressions.addAll(ruleExpressions());
    List<String> problems = new ArrayList<>();
    for (String expression : expressions) {
      problems.addAll(PromQlCheck.problems(expression, exposed));
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theNewGaugesSayWhatTheyMean() {
    String scrape = tier.node.metrics().scrape();
    assertEquals(1.0, value(scrape, "mqttlb_broker_seen_up{broker=\"b1\"}"), "this node's checks pass b1");
    assertEquals(0.0, value(scrape, "mqttlb_broker_seen_up{broker=\"b2\"}"), "this node's checks fail b2");
    assertEquals(0.0, value(scrape, "mqttlb_broker_up{broker=\"b2\"}"), "a single node is the majority");
    assertEquals(1.0, value(scrape, "mqttlb_routing_mode{mode=\"hash\"}"));
    assertEquals(0.0, value(scrape, "mqttlb_routing_mode{mode=\"table\"}"));
    assertEquals(0.0, value(scrape, "mqttlb_move_remaining_clients"), "the drain is over");
  }

  @Test
  void theDashboardIsAnImportableGrafanaDashboard() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    JsonArray inputs = dashboard.getJsonArray("__inputs");
    assertEquals("DS_PROMETHEUS", inputs.getJsonObject(0).getString("name"));
    assertEquals("prometheus", inputs.getJsonObject(0).getString("pluginId"));
    assertTrue(dashboard.getInteger("schemaVersion") >= 36, "a dashboard of Grafana 9 or later");
    assertNotNull(dashboard.getString("uid"));
    JsonObject prometheus = new JsonObject().put("type", "prometheus").put("uid", "${DS_PROMETHEUS}");
    int graphs = 0;
    List<String> rows = new ArrayList<>();
    for (Object item : dashboard.getJsonArray("panels")) {
      JsonObject panel = assertInstanceOf(JsonObject.class, item);
      assertNotNull(panel.getJsonObject("gridPos"), panel.getString("title"));
      if ("row".equals(panel.getString("type"))) {
        rows.add(panel.getString("title"));
        continue;
      }
      graphs++;
      assertEquals(prometheus, panel.getJsonObject("datasource"), panel.getString("title"));
      JsonArray targets = panel.getJsonArray("targets");
      assertFalse(targets == null || targets.isEmpty(), panel.getString("title") + " has targets");
      for (Object target : targets) {
        JsonObject query = assertInstanceOf(JsonObject.class, target);
        assertEquals(prometheus, query.getJsonObject("datasource"), panel.getString("title"));
        assertFalse(query.getString("expr", "").isBlank(), panel.getString("title") + " has an expression");
        assertNotNull(query.getString("refId"), panel.getString("title"));
      }
    }
    assertEquals(List.of("Tier", "Brokers", "Rejections", "TLS", "Moves", "Sticky table", "Node health"), rows);
    assertTrue(graphs >= rows.size(), "panels under the rows: " + graphs);
    for (Object variable : dashboard.getJsonObject("templating").getJsonArray("list")) {
      assertEquals(prometheus, ((JsonObject) variable).getJsonObject("datasource"));
    }
  }

  @Test
  void everyRuleHasWhatAlertmanagerAndItsReadersNeed() throws IOException {
    List<Map<String, Object>> rules = rules();
    assertFalse(rules.isEmpty());
    for (Map<String, Object> rule : rules) {
      String name = String.valueOf(rule.get("alert"));
      assertInstanceOf(String.class, rule.get("alert"), "alert of " + rule);
      assertInstanceOf(String.class, rule.get("expr"), name);
      assertTrue(String.valueOf(rule.get("for")).matches("\\d+[smhd]"), name + " for: " + rule.get("for"));
      Map<?, ?> labels = assertInstanceOf(Map.class, rule.get("labels"), name);
      assertTrue(Set.of("warning", "critical").contains(labels.get("severity")), name + " severity " + labels);
      Map<?, ?> annotations = assertInstanceOf(Map.class, rule.get("annotations"), name);
      assertInstanceOf(String.class, annotations.get("summary"), name);
      assertInstanceOf(String.class, annotations.get("description"), name);
    }
    Set<String> required = Set.of("MqttlbBrokerDownForTier", "MqttlbNodesDisagreeOnBrokerHealth",
        "MqttlbStickyWritesDropped", "MqttlbRejectionSpike", "MqttlbRejectionShareHigh", "MqttlbMoveStuck",
        "MqttlbEventLoopLagHigh", "MqttlbTlsCertificateExpiresSoon");
    assertTrue(rules.stream().map(rule -> rule.get("alert")).toList().containsAll(required));
  }

  /** The checker itself: what it must report, and what it must not mistake for a metric. */
  @Test
  void theCheckerReportsUnknownMetricsLabelsAndFunctions() {
    Map<String, Set<String>> exposed = PromQlCheck.exposed("""
        # TYPE mqttlb_connections_total counter
        mqttlb_connections_total{broker="b1"} 3.0
        mqttlb_broker_connect_seconds_bucket{broker="b1",le="0.001"} 1
        jvm_buffer_memory_used_bytes{id="mapped - 'non-volatile memory'"} 0.0
        mqttlb_clients_active 2.0
        """);
    assertEquals(List.of(), PromQlCheck.problems("histogram_quantile(0.99, sum by (le, broker) "
        + "(rate(mqttlb_broker_connect_seconds_bucket{job=\"$job\",broker=~\"b.*\"}[$__rate_interval])))", exposed));
    assertEquals(List.of(), PromQlCheck.problems("sum(rate(mqttlb_connections_total[5m] offset 1h)) by (broker) "
        + "/ on (job) group_left clamp_min(mqttlb_clients_active * 1e-9, 1) > bool 0 unless absent(jvm_buffer_memory_used_bytes)",
        exposed));
    assertEquals(List.of(), PromQlCheck.problems("label_values(mqttlb_clients_active{job=\"$job\"}, instance)", exposed));

    assertEquals(List.of("metric mqttlb_connections_totl is not exposed, in: rate(mqttlb_connections_totl[5m])"),
        PromQlCheck.problems("rate(mqttlb_connections_totl[5m])", exposed));
    assertEquals(List.of("metric mqttlb_connections_total has no label brokr, in: mqttlb_connections_total{brokr=\"b1\"}"),
        PromQlCheck.problems("mqttlb_connections_total{brokr=\"b1\"}", exposed));
    assertEquals(List.of("unknown function rat() in: rat(mqttlb_connections_total[5m])"),
        PromQlCheck.problems("rat(mqttlb_connections_total[5m])", exposed));
    assertEquals(List.of("metric mqttlb_missing is not exposed, in: mqttlb_clients_active - mqttlb_missing"),
        PromQlCheck.problems("mqttlb_clients_active - mqttlb_missing", exposed));
    assertEquals(List.of("no metric found in: vector(1) > bool 0"), PromQlCheck.problems("vector(1) > bool 0", exposed));
    assertEquals(List.of("metric mqttlb_connections is not exposed, in: mqttlb_connections"),
        PromQlCheck.problems("mqttlb_connections", exposed), "a family name without its suffix is no series");
  }

  /**
   * promtool (Debian package {@code prometheus}, which .ci/run installs like the other real peers) checks
   * the rules, runs their unit tests ({@code prometheus-rules.test.yaml}: each alert fires when it
   * should and stays quiet when it should not), and parses every dashboard expression, as a
   * recording rule with Grafana's variables filled in.
   */
  @Test
  void promtoolAcceptsTheRulesTheirTestsAndTheDashboardsExpressions() throws Exception {
    Optional<Path> promtool = onPath("promtool");
    assertTrue(promtool.isPresent(), "promtool is not installed: apt-get install prometheus (.ci/run does)");
    run(promtool.get().toString(), "check", "rules", RULES.toString());
    run(promtool.get().toString(), "test", "rules", RULE_TESTS.toString());
    List<Map<String, String>> recording = new ArrayList<>();
    for (String expression : dashboardExpressions()) {
      if (!expression.startsWith("label_values(")) {
        String filled = expression.replace("$__rate_interval", "5m").replace("$job", "mqttlb").replace("$instance", ".*");
        recording.add(Map.of("record", "dashboard:panel" + recording.size(), "expr", filled));
      }
    }
    Path file = dir.resolve("dashboard-expressions.yaml");
    Files.writeString(file, new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", recording)))));
    run(promtool.get().toString(), "check", "rules", file.toString());
  }

  // ---- reading the files ----

  /** The expressions of every panel's targets, and the queries of the template variables. */
  private static List<String> dashboardExpressions() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    List<String> expressions = new ArrayList<>();
    for (Object item : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) item).getJsonArray("targets", new JsonArray());
      for (Object target : targets) {
        expressions.add(((JsonObject) target).getString("expr"));
      }
    }
    for (Object variable : dashboard.getJsonObject("templating").getJsonArray("list")) {
      expressions.add(((JsonObject) variable).getString("definition"));
    }
    return expressions;
  }

  private static List<String> ruleExpressions() throws IOException {
    return rules().stream().map(rule -> String.valueOf(rule.get("expr"))).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules() throws IOException {
    Map<String, Object> file = new Yaml().load(Files.readString(RULES));
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
      assertInstanceOf(String.class, group.get("name"));
      rules.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return rules;
  }

  // ---- the node ----

  private static double value(String scrape, String series) {
    return scrape.lines().filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError(series + " is not scraped"));
  }

  private static HttpResponse<String> http(String method, BalancerNode node, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Writes bytes that are not what the listener expects and reads until the node closes the connection. */
  private static void sendAndAwaitClose(int port, String text) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // whatever the node answers before it closes
      }
    }
  }

  private static Optional<Path> onPath(String name) {
    for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static void run(String... command) throws Exception {
    Path output = Files.createTempFile(dir, "promtool", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within a minute");
    }
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + Files.readString(output));
  }
}
