package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqttlb loadtest} in process: exit codes, the console, and summary.json's schema. */
@EndToEnd
class LoadtestCommandTest {
  private static MosquittoBroker broker;

  @TempDir
  Path dir;

  @BeforeAll
  static void startBroker() {
    broker = MosquittoBroker.start("b1");
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private String target() {
    return "127.0.0.1:" + broker.port();
  }

  @Test
  void aViolatedAssertionExits1AndSaysWhichExpectedAndActual() throws Exception {
    Path sim = dir.resolve("too-ambitious.yaml");
    Files.writeString(sim, """
        description: "expects more connects than it makes"
        scenarios:
          - name: pubsub
            protocol: 5
            steps:
              - connect: { cleanSession: true }
              - subscribe: { topic: "t/${clientId}", qos: 1 }
              - publish: { topic: "t/${clientId}", qos: 1, payloadBytes: 16, count: 4, rate: 100/s }
              - expect: { topic: "t/${clientId}", count: 4, within: 2s }
            injection:
              - rampUsers: { users: 6, during: 200ms }
        assertions:
          - { metric: connects.total, gte: 1000 }
          - { metric: delivery.lost, eq: 0 }
        """);
    Path report = dir.resolve("report");
    CliRun run = CliRun.of("loadtest", sim.toString(), "--targets", target(), "--report", report.toString(), "--quiet");

    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.out().contains("FAILED connects.total gte 1000 (actual 6)"), run.toString());
    assertTrue(run.out().contains("OK     delivery.lost eq 0 (actual 0)"), run.toString());
    assertTrue(run.out().contains("stickiness – (not measured by markers: nobody reconnected)"), run.toString());
    assertTrue(Files.exists(report.resolve("index.html")));
    JsonObject summary = new JsonObject(Files.readString(report.resolve("summary.json")));
    assertSchema(summary);
    assertEquals("too-ambitious", summary.getString("simulation"));
    assertEquals("expects more connects than it makes", summary.getString("description"));
    assertFalse(summary.getBoolean("ok"));
    assertEquals(24L, summary.getJsonObject("totals").getLong("messagesReceived"));
    assertEquals(List.of("b1"), List.copyOf(summary.getJsonObject("brokers").fieldNames()));
    JsonObject failed = summary.getJsonArray("assertions").getJsonObject(0);
    assertEquals(new JsonObject().put("metric", "connects.total").put("op", "gte").put("expected", "1000")
        .put("actual", "6").put("ok", false), failed);
  }

  @Test
  void aJavaSimulationByClassNameWhoseAssertionsHoldExits0() {
    CliRun run = CliRun.of("loadtest", TinySimulation.class.getName(), "--targets", target(),
        "--report", dir.resolve("tiny").toString(), "--quiet", "--duration-scale", "0.5");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("OK     connects.total eq 5 (actual 5)"), run.toString());
    assertTrue(Files.exists(dir.resolve("tiny").resolve("summary.json")));
  }

  @Test
  void aBadSimulationFileIsOneLineNamingFileAndKeyAndExits2() throws Exception {
    Path sim = dir.resolve("bad.yaml");
    Files.writeString(sim, """
        scenarios:
          - name: s
            steps: [ { publish: { topic: t, qos: 7 } } ]
            injection: [ { atOnceUsers: 1 } ]
        """);
    CliRun run = CliRun.of("loadtest", sim.toString(), "--targets", target());
    assertEquals(2, run.exitCode(), run.toString());
    List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), run.toString());
    assertTrue(lines.get(0).contains("bad.yaml: scenarios[0].steps[0].publish.qos: qos (7) must be 0, 1 or 2"), lines.get(0));
  }

  @Test
  void usageErrorsExit2() {
    assertEquals(2, CliRun.of("loadtest", "no-such-simulation").exitCode());
    assertTrue(CliRun.of("loadtest", "no-such-simulation").err().contains("loadtest/no-such-simulation.yaml"));
    assertEquals(2, CliRun.of("loadtest", TinySimulation.class.getName(), "--targets", "nowhere").exitCode());
    assertEquals(2, CliRun.of("loadtest", TinySimulation.class.getName()).exitCode(), "no targets anywhere");
    assertEquals(2, CliRun.of("loadtest", TinySimulation.class.getName(), "--targets", target(), "--brokers", "b1").exitCode());
    assertEquals(2, CliRun.of("loadtest", TinySimulation.class.getName(), "--targets", target(), "--duration-scale", "0").exitCode());
    CliRun unknownMethod = CliRun.of("loadtest", TinySimulation.class.getName(), "--targets", target(), "--stickiness", "guess");
    assertEquals(2, unknownMethod.exitCode());
    assertTrue(unknownMethod.err().contains("unknown stickiness method \"guess\"; expected markers, session-present"
        + " or connection-events"), unknownMethod.toString());
  }

  /** The keys and types of summary.json that the HTML report reads. */
  static void assertSchema(JsonObject s) {
    assertEquals(Set.of("simulation", "description", "startedAt", "durationMillis", "targets", "ok", "totals", "latency",
        "failuresByCause", "stickiness", "warnings", "brokers", "assertions", "series", "nodes", "operations"),
        s.fieldNames());
    s.getJsonArray("warnings").forEach(w -> assertTrue(w instanceof String));
    assertTrue(s.getValue("startedAt") instanceof String && s.getValue("durationMillis") instanceof Number);
    assertTrue(s.getValue("targets") instanceof JsonArray && s.getValue("ok") instanceof Boolean);
    assertEquals(Set.of("users", "connects", "connectsPerSec", "messagesSent", "messagesReceived", "messagesPerSec",
        "messagesDuplicated", "failures", "failuresPercent", "deliveryLost"), s.getJsonObject("totals").fieldNames());
    s.getJsonObject("totals").forEach(e -> assertTrue(e.getValue() instanceof Number, e.getKey()));
    for (String kind : List.of("connack", "publishToReceive")) {
      JsonObject latency = s.getJsonObject("latency").getJsonObject(kind);
      assertEquals(Set.of("count", "min", "p50", "p95", "p99", "max", "mean"), latency.fieldNames(), kind);
      latency.forEach(e -> assertTrue(e.getValue() == null || e.getValue() instanceof Number, kind + "." + e.getKey()));
    }
    // Not measured (no reconnect could be classified): method, moved and percent are null, and note says why.
    JsonObject sticky = s.getJsonObject("stickiness");
    assertEquals(Set.of("method", "tried", "reconnects", "sameBroker", "moved", "percent", "note"), sticky.fieldNames());
    assertTrue(Set.of("markers", "session-present", "connection-events").contains(sticky.getString("tried")));
    assertTrue(sticky.getValue("reconnects") instanceof Number && sticky.getValue("sameBroker") instanceof Number);
    if (sticky.getValue("percent") == null) {
      assertTrue(sticky.getValue("method") == null && sticky.getValue("moved") == null && sticky.getValue("note") instanceof String);
    } else {
      assertEquals(sticky.getString("tried"), sticky.getString("method"));
      assertTrue(sticky.getValue("moved") instanceof Number && sticky.getValue("note") == null);
    }
    for (Object a : s.getJsonArray("assertions")) {
      assertEquals(Set.of("metric", "op", "expected", "actual", "ok"), ((JsonObject) a).fieldNames());
    }
    for (Object node : s.getJsonArray("nodes")) {
      assertEquals(Set.of("admin", "samples", "verdicts", "lastError"), ((JsonObject) node).fieldNames());
      for (Object sample : ((JsonObject) node).getJsonArray("samples")) {
        assertEquals(Set.of("t", "heap", "direct", "bufferDirect", "fds", "threads", "eventLoopLag"),
            ((JsonObject) sample).fieldNames());
      }
      ((JsonObject) node).getJsonObject("verdicts").forEach(v -> assertEquals(Set.of("samples", "slopePerMinute",
          "firstThirdMean", "lastThirdMean", "growthPercent", "maxSlopePerMinute", "maxGrowthPercent", "judged", "leak"),
          ((JsonObject) v.getValue()).fieldNames(), v.getKey()));
    }
    for (Object operation : s.getJsonArray("operations")) {
      assertTrue(Set.of("at", "operation", "node", "ok", "answer").containsAll(((JsonObject) operation).fieldNames()));
    }
    JsonArray series = s.getJsonArray("series");
    assertFalse(series.isEmpty(), "one sample per second");
    for (Object sample : series) {
      assertEquals(Set.of("t", "activeUsers", "connectsPerSec", "messagesPerSec", "errorsPerSec", "connackP50",
          "connackP95", "connackP99", "p2rP50", "p2rP95", "p2rP99", "brokers"), ((JsonObject) sample).fieldNames());
    }
  }
}
