package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.cli.Main;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.WebSocketConfig;
import io.mqttlb.loadtest.Assertion;
import io.mqttlb.loadtest.Injection;
import io.mqttlb.loadtest.LoadTest;
import io.mqttlb.loadtest.LoadTestOptions;
import io.mqttlb.loadtest.LoadTestResult;
import io.mqttlb.loadtest.RunMetric;
import io.mqttlb.loadtest.Scenario;
import io.mqttlb.loadtest.Simulation;
import io.mqttlb.loadtest.Target;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.MosquittoListeners;
import io.mqttlb.testing.Ports;
import io.mqttlb.testing.TestPki;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The load-test tool's targets besides {@code host:port}: {@code mqtts://}, {@code ws://} and
 * {@code wss://}, against one real Mosquitto with a TLS listener, a WebSocket listener and a
 * WebSocket-over-TLS listener, whose certificate (for 127.0.0.1 only) comes from a test CA. Users
 * publish to themselves and receive it back; the reports name the target. Certificates are always
 * verified: without the CA, or under another host name, every connect fails. A ws:// run also goes
 * through a node's WebSocket listener to the broker's TLS port.
 */
@EndToEnd
class LoadTestTransportsEndToEndTest {
  private static final int USERS = 6;
  private static final int MESSAGES = 3;
  private static Path dir;
  private static TestPki pki;
  private static MosquittoBroker broker;
  private static int mqtts;
  private static int ws;
  private static int wss;

  @TempDir
  Path reports;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("mqttlb-loadtest-targets");
    pki = TestPki.create(dir, "loadtest");
    TestPki.Issued certificate = pki.server("broker", "127.0.0.1");
    mqtts = Ports.free();
    ws = Ports.free();
    wss = Ports.free();
    List<String> listeners = new ArrayList<>(MosquittoListeners.tls(mqtts, certificate, pki.caPath()));
    listeners.addAll(MosquittoListeners.websockets(ws));
    listeners.addAll(MosquittoListeners.secureWebsockets(wss, certificate, pki.caPath()));
    broker = MosquittoBroker.start("b1", listeners);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private static Simulation echo(String name, int protocol) {
    return Simulation.simulation(name)
        .markerTopic(MosquittoBroker.MARKER_TOPIC)
        .scenarios(Scenario.scenario("echo").protocol(protocol).clientIdPrefix(name + "-")
            .connect()
            .subscribe("lt/${clientId}", 1)
            .publish("lt/${clientId}", 1, 64, MESSAGES, 0)
            .expect("lt/${clientId}", MESSAGES, Duration.ofSeconds(5))
            .disconnect()
            .inject(Injection.atOnceUsers(USERS)))
        .assertions(Assertion.metric(RunMetric.FAILURES_TOTAL).eq(0), Assertion.metric(RunMetric.DELIVERY_LOST).eq(0));
  }

  private static void assertEveryUserExchangedMessages(LoadTestResult result, Target target) {
    JsonObject summary = result.summary();
    assertTrue(result.ok(), summary.encodePrettily());
    assertEquals(new JsonArray().add(target.toString()), summary.getJsonArray("targets"), "the report names the target");
    JsonObject totals = summary.getJsonObject("totals");
    assertEquals(USERS, totals.getLong("connects"), totals.encode());
    assertEquals(USERS * MESSAGES, totals.getLong("messagesReceived"), totals.encode());
    assertEquals(new JsonObject().put("b1", USERS), summary.getJsonObject("brokers"), "the broker's own marker, read over it");
  }

  @Test
  void everyTransportCarriesAShortRunWithVerifiedCertificates() throws Exception {
    List<Target> targets = List.of(
        Target.parse("mqtts://127.0.0.1:" + mqtts),
        Target.parse("ws://127.0.0.1:" + ws + "/mqtt"),
        Target.parse("wss://127.0.0.1:" + wss + "/mqtt"));
    for (Target target : targets) {
      for (int protocol : new int[] {3, 5}) {
        String name = target.transport().scheme() + protocol;
        LoadTestResult result = LoadTest.run(echo(name, protocol),
            new LoadTestOptions().setTargets(List.of(target)).setCaFile(pki.caPath()));
        assertEveryUserExchangedMessages(result, target);
        System.out.println(target + " MQTT " + protocol + ": " + result.summary().getJsonObject("totals").encode()
            + " connack " + result.summary().getJsonObject("latency").getJsonObject("connack").encode());
      }
    }
  }

  /**
   * A node's WebSocket listener in front of the same broker, reached over TLS: a ws:// run relayed
   * to a TLS broker. A run at another path is refused by the node's upgrade, so the path is sent.
   */
  @Test
  void aWsRunThroughANodesWebSocketListenerReachesItsTlsBroker() throws Exception {
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-ws-tls")
        .withListeners(List.of(new ListenerConfig("ws", "127.0.0.1", 0).withWebSocket(WebSocketConfig.defaults())))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", mqtts, 1)
            .withTls(new BrokerTlsConfig(pki.caPath().toString(), null, true))));
    BalancerNode node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
    try {
      Target ws = Target.parse("ws://127.0.0.1:" + node.port() + "/mqtt");
      for (int protocol : new int[] {3, 5}) {
        LoadTestResult result = LoadTest.run(echo("node-ws" + protocol, protocol), new LoadTestOptions().setTargets(List.of(ws)));
        assertEveryUserExchangedMessages(result, ws);
      }
      assertEquals(2 * USERS, node.metrics().broker("b1").total(), "relayed over TLS to b1");

      Target elsewhere = Target.parse("ws://127.0.0.1:" + node.port() + "/elsewhere");
      LoadTestResult refused = LoadTest.run(echo("node-ws-path", 3), new LoadTestOptions().setTargets(List.of(elsewhere))
          .setConnectTimeout(Duration.ofSeconds(3)));
      assertEquals(0, refused.summary().getJsonObject("totals").getLong("connects"), "the node upgrades /mqtt only");
    } finally {
      node.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCertificateThatDoesNotVerifyFailsEveryConnect() throws Exception {
    Target untrusted = Target.parse("mqtts://127.0.0.1:" + mqtts);
    LoadTestResult withoutCa = LoadTest.run(echo("no-ca", 3), new LoadTestOptions().setTargets(List.of(untrusted))
        .setConnectTimeout(Duration.ofSeconds(3)));
    assertFalse(withoutCa.ok());
    assertEquals(0, withoutCa.summary().getJsonObject("totals").getLong("connects"), "the JVM does not trust the test CA");
    assertEquals(USERS, withoutCa.summary().getJsonObject("totals").getLong("failures"));

    // The certificate names 127.0.0.1, not localhost.
    Target misnamed = Target.parse("wss://localhost:" + wss + "/mqtt");
    LoadTestResult wrongName = LoadTest.run(echo("wrong-name", 5), new LoadTestOptions().setTargets(List.of(misnamed))
        .setCaFile(pki.caPath()).setConnectTimeout(Duration.ofSeconds(3)));
    assertEquals(0, wrongName.summary().getJsonObject("totals").getLong("connects"), "the host name is checked");
  }

  @Test
  void theCommandTakesTheCaFileFromItsOptionOrTheSimulationAndTheReportNamesTheTarget() throws Exception {
    Path sim = reports.resolve("wss-echo.yaml");
    Files.writeString(sim, """
        targets: ["wss://127.0.0.1:%d/mqtt"]
        caFile: "%s"
        scenarios:
          - name: echo
            steps:
              - connect: { cleanSession: true }
              - subscribe: { topic: "t/${clientId}", qos: 1 }
              - publish: { topic: "t/${clientId}", qos: 1, count: 2 }
              - expect: { topic: "t/${clientId}", count: 2, within: 5s }
            injection:
              - atOnceUsers: 4
        assertions:
          - { metric: failures.total, eq: 0 }
        """.formatted(wss, pki.caPath()));
    Path report = reports.resolve("from-yaml");
    assertEquals(0, run("loadtest", sim.toString(), "--report", report.toString(), "--quiet"));
    JsonObject summary = new JsonObject(Files.readString(report.resolve("summary.json")));
    assertEquals(new JsonArray().add("wss://127.0.0.1:" + wss + "/mqtt"), summary.getJsonArray("targets"));
    assertTrue(Files.readString(report.resolve("index.html")).contains("wss://127.0.0.1:" + wss + "/mqtt"));

    Path viaOption = reports.resolve("via-option");
    assertEquals(0, run("loadtest", sim.toString(), "--targets", "mqtts://127.0.0.1:" + mqtts,
        "--ca-file", pki.caPath().toString(), "--report", viaOption.toString(), "--quiet"));
    assertEquals(new JsonArray().add("mqtts://127.0.0.1:" + mqtts),
        new JsonObject(Files.readString(viaOption.resolve("summary.json"))).getJsonArray("targets"));

    assertEquals(2, run("loadtest", sim.toString(), "--ca-file", "/nonexistent/ca.pem", "--quiet"), "a missing CA file");
    assertEquals(2, run("loadtest", sim.toString(), "--targets", "ftp://127.0.0.1:21", "--quiet"), "an unknown scheme");
  }

  private static int run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new Main());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int code = command.execute(args);
    System.out.println(out);
    System.err.println(err);
    return code;
  }
}
