package io.mqttlb.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.HeadlessChromium;
import io.mqttlb.testing.HeadlessChromium.Rendering;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reports render in headless Chromium: every chart is drawn, no script error is caught (the page's
 * {@code #rendered} marker counts both) and none is logged, and a screenshot is left in
 * {@code target/loadtest-report-test/} for a person to look at.
 */
@EndToEnd
class ReportInChromiumTest {
  private static final Path OUT = Path.of("target", "loadtest-report-test");

  @Test
  void theRunReportDrawsEveryChartWithoutScriptErrors() throws Exception {
    Path html = report("sample", SampleSummary.reconnectStorm());
    Rendering rendering = HeadlessChromium.dumpDom(html);
    assertRendered(rendering, 5);

    Path png = OUT.resolve("report.png");
    Files.deleteIfExists(png);
    HeadlessChromium.screenshot(html, png, 1280, 2000);
    assertTrue(Files.size(png) > 50_000, "a screenshot of a drawn report, not a blank page: " + Files.size(png));
  }

  @Test
  void aSoakReportDrawsAChartPerNodeSeriesToo() throws Exception {
    Rendering rendering = HeadlessChromium.dumpDom(report("soak", SampleSummary.soak()));
    assertRendered(rendering, 5 + 6);
  }

  @Test
  void hostileNamesStayTextAndMissingSeriesAreNotes() throws Exception {
    JsonObject summary = SampleSummary.reconnectStorm()
        .put("simulation", "</script><img id=injected src=x onerror=alert(1)>")
        .put("brokers", new JsonObject().put("<img id=injected2 src=x>", 1));
    for (Object sample : summary.getJsonArray("series")) {
      JsonObject s = (JsonObject) sample;
      s.putNull("p2rP50").putNull("p2rP95").putNull("p2rP99");
      s.put("brokers", new JsonObject().put("<img id=injected3 src=x>", 1));
    }
    Rendering rendering = HeadlessChromium.dumpDom(report("hostile", summary));
    assertRendered(rendering, 4);
    assertTrue(rendering.attributesOf("injected").isEmpty(), "the simulation name became markup");
    assertTrue(rendering.attributesOf("injected2").isEmpty(), "a broker id became markup");
    assertTrue(rendering.attributesOf("injected3").isEmpty(), "a series broker id became markup");
    assertTrue(rendering.dom().contains("No samples."), "the empty publish-to-receive chart says so");
  }

  @Test
  void theComparisonDrawsEveryMetricWithoutScriptErrors() throws Exception {
    Path dir = OUT.resolve("compare");
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    CompareReportTest.sampleRuns(Files.createDirectories(dir));
    for (String run : new String[] {"direct-1", "mqttlb-1"}) {
      HtmlReport.write(dir.resolve(run).resolve("summary.json"), dir.resolve(run).resolve("index.html"));
    }
    CompareReport.write(dir);
    Path html = dir.resolve("compare.html");
    assertRendered(HeadlessChromium.dumpDom(html), CompareReport.METRICS.size());

    Path png = OUT.resolve("compare.png");
    Files.deleteIfExists(png);
    HeadlessChromium.screenshot(html, png, 1280, 2000);
    assertTrue(Files.size(png) > 50_000, "a screenshot of a drawn comparison: " + Files.size(png));
  }

  static void assertRendered(Rendering rendering, int charts) {
    Map<String, String> marker = rendering.attributesOf("rendered");
    assertFalse(marker.isEmpty(), "the page never finished rendering (no #rendered marker); log:\n" + rendering.log());
    assertEquals("0", marker.get("data-errors"), "script errors: " + errorsShown(rendering) + "\n" + rendering.log());
    assertEquals(String.valueOf(charts), marker.get("data-expected"), "charts attempted");
    assertEquals(String.valueOf(charts), marker.get("data-charts"), "charts drawn");
    assertFalse(rendering.log().contains("Uncaught"), "console:\n" + rendering.log());
  }

  private static String errorsShown(Rendering rendering) {
    int at = rendering.dom().indexOf("<div id=\"errors\">");
    return at < 0 ? "" : rendering.dom().substring(at, Math.min(rendering.dom().length(), at + 500));
  }

  private static Path report(String name, JsonObject summary) throws Exception {
    Path dir = Files.createDirectories(OUT.resolve(name));
    Path json = dir.resolve("summary.json");
    Files.writeString(json, summary.encodePrettily());
    Path html = dir.resolve("index.html");
    HtmlReport.write(json, html);
    return html;
  }
}
