package io.mqttlb.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareReportTest {

  /**
   * Three rounds per target; CONNACK p50 in ms by round:
   * <pre>
   *            round 1  round 2  round 3   median  vs direct
   *   direct     1.0      1.2      1.1      1.1      1.00
   *   mqttlb     1.5      1.3      1.4      1.4      1.27
   *   haproxy    1.6      1.8     (none)    1.7      1.55
   * </pre>
   */
  static Path sampleRuns(Path dir) throws Exception {
    double[][] connackP50 = {{1.0, 1.2, 1.1}, {1.5, 1.3, 1.4}, {1.6, 1.8}};
    for (int t = 0; t < CompareReport.TARGETS.size(); t++) {
      for (int r = 0; r < connackP50[t].length; r++) {
        double scale = connackP50[t][r];
        JsonObject summary = SampleSummary.reconnectStorm().put("ok", r != 1);
        JsonObject latency = summary.getJsonObject("latency");
        latency.getJsonObject("connack").put("p50", scale).put("p99", 8 * scale);
        latency.getJsonObject("publishToReceive").put("p50", 0.7 * scale).put("p99", 2.5 * scale);
        summary.getJsonObject("totals").put("connectsPerSec", 50 / scale).put("messagesPerSec", 160 / scale)
            .put("failuresPercent", t * 0.1);
        summary.getJsonObject("stickiness").put("percent", 100.0 - t * 0.3);
        write(dir.resolve(CompareReport.TARGETS.get(t) + "-" + (r + 1)), summary);
      }
    }
    Files.createDirectories(dir.resolve("haproxy-3")); // the run died before its summary
    Files.createDirectories(dir.resolve("brokers"));   // not a run
    return dir;
  }

  @Test
  void mediansAndRatiosPerTarget(@TempDir Path dir) throws Exception {
    JsonObject comparison = CompareReport.write(sampleRuns(dir));
    assertEquals(new JsonArray(List.of("direct", "mqttlb", "haproxy")), comparison.getJsonArray("targets"));
    assertEquals(new JsonArray(List.of(1, 2, 3)), comparison.getJsonArray("rounds"));
    JsonObject connack = metric(comparison, "connack.p50").getJsonObject("targets");
    assertEquals(new JsonArray(List.of(1.0, 1.2, 1.1)), connack.getJsonObject("direct").getJsonArray("rounds"));
    assertEquals(1.1, connack.getJsonObject("direct").getDouble("median"), 1e-9);
    assertEquals(1.0, connack.getJsonObject("direct").getDouble("ratioVsDirect"), 1e-9);
    assertEquals(1.4 / 1.1, connack.getJsonObject("mqttlb").getDouble("ratioVsDirect"), 1e-9);
    JsonArray haproxy = connack.getJsonObject("haproxy").getJsonArray("rounds");
    assertNull(haproxy.getValue(2), "the missing round is a gap");
    assertEquals(1.7, connack.getJsonObject("haproxy").getDouble("median"), 1e-9);
    assertEquals("higher", metric(comparison, "stickiness.percent").getString("better"));
    assertEquals(8, comparison.getJsonArray("metrics").size());

    JsonObject lost = comparison.getJsonArray("runs").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("dir").equals("haproxy-3")).findFirst().orElseThrow();
    assertEquals("no summary.json", lost.getString("problem"));
    assertTrue(comparison.getJsonArray("runs").stream().map(JsonObject.class::cast)
        .noneMatch(r -> r.getString("dir").equals("brokers")));

    assertEquals(comparison, new JsonObject(Files.readString(dir.resolve("compare.json"))));
    String html = Files.readString(dir.resolve("compare.html"));
    assertTrue(html.contains("<th>mqttlb</th><td class=\"num\">1.50</td><td class=\"num\">1.30</td>"
        + "<td class=\"num\">1.40</td><td class=\"num\"><strong>1.40</strong></td><td class=\"num\">1.27 ×</td>"));
    assertTrue(html.contains("<td>haproxy-3</td><td class=\"result\">no summary.json</td>"));
  }

  @Test
  void aMetricNoRunMeasuredHasNoMedianAndNoRatio(@TempDir Path dir) throws Exception {
    JsonObject summary = SampleSummary.reconnectStorm().put("stickiness", null);
    write(dir.resolve("direct-1"), summary);
    write(dir.resolve("mqttlb-1"), summary);
    JsonObject sticky = metric(CompareReport.compare(dir), "stickiness.percent").getJsonObject("targets");
    assertNull(sticky.getJsonObject("mqttlb").getValue("median"));
    assertNull(sticky.getJsonObject("mqttlb").getValue("ratioVsDirect"));
  }

  @Test
  void withoutDirectThereIsNoRatio(@TempDir Path dir) throws Exception {
    write(dir.resolve("mqttlb-1"), SampleSummary.reconnectStorm());
    JsonObject comparison = CompareReport.compare(dir);
    assertEquals(new JsonArray(List.of("mqttlb")), comparison.getJsonArray("targets"));
    assertNull(metric(comparison, "connack.p50").getJsonObject("targets").getJsonObject("mqttlb")
        .getValue("ratioVsDirect"));
  }

  @Test
  void escapesTheSimulationName(@TempDir Path dir) throws Exception {
    write(dir.resolve("direct-1"), SampleSummary.reconnectStorm().put("simulation", "<script>x</script>"));
    CompareReport.write(dir);
    String html = Files.readString(dir.resolve("compare.html"));
    assertTrue(html.contains("<h1>Comparison: &lt;script&gt;x&lt;/script&gt;</h1>"));
    assertFalse(html.contains("<script>x"));
  }

  @Test
  void anUnreadableSummaryIsListedNotFatal(@TempDir Path dir) throws Exception {
    write(dir.resolve("direct-1"), SampleSummary.reconnectStorm());
    Files.createDirectories(dir.resolve("direct-2"));
    Files.writeString(dir.resolve("direct-2/summary.json"), "{ \"simulation\": ");
    JsonObject comparison = CompareReport.compare(dir);
    assertTrue(comparison.getJsonArray("runs").getJsonObject(1).getString("problem")
        .startsWith("unreadable summary.json"));
    assertEquals(new JsonArray(List.of(1)), comparison.getJsonArray("rounds"));
  }

  @Test
  void aDirectoryWithoutRunsIsAUsageError(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompareReport.compare(dir));
    assertTrue(e.getMessage().startsWith("no <target>-<round>/summary.json under "));
  }

  @Test
  void medianOfEvenAndOddCounts() {
    assertEquals(2.0, CompareReport.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, CompareReport.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertNull(CompareReport.median(List.of()));
  }

  private static JsonObject metric(JsonObject comparison, String name) {
    return comparison.getJsonArray("metrics").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("metric").equals(name)).findFirst().orElseThrow();
  }

  private static void write(Path runDir, JsonObject summary) throws Exception {
    Files.createDirectories(runDir);
    Files.writeString(runDir.resolve("summary.json"), summary.encodePrettily());
  }
}
