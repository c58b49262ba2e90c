package io.mqttlb.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  private static final String HOSTILE = "</script><script>alert(1)</script> & \"q\" 'a' <b>";

  @Test
  void escapesEveryStringFromTheSummary() {
    JsonObject summary = SampleSummary.reconnectStorm()
        .put("simulation", HOSTILE)
        .put("description", "<img src=x onerror=alert(2)>")
        .put("startedAt", "<i>now</i>")
        .put("targets", new JsonArray().add("<t>:1883"))
        .put("failuresByCause", new JsonObject().put("<cause>", 1))
        .put("brokers", new JsonObject().put("<broker onclick=x>", 3))
        .put("assertions", new JsonArray().add(SampleSummary.assertion("<m>", "<op>", "<e>", "<a>", false)));
    String html = HtmlReport.render(summary);

    String body = withoutScripts(html);
    for (String raw : new String[] {"<script>alert", "<img", "<i>", "<t>", "<cause>", "<broker", "<m>", "<op>",
        "<e>", "<a>", "<b>"}) {
      assertFalse(body.contains(raw), "unescaped " + raw);
    }
    assertTrue(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;"));
    assertTrue(html.contains("&lt;broker onclick=x&gt;"));
    // Only the page's own scripts: the simulation's name cannot open or close one.
    assertEquals(count(html, "<script"), count(html, "</script>"));
    assertEquals(4, count(html, "<script"), "error capture, uPlot, embedded summary, page script");
  }

  @Test
  void embedsTheSummaryUnchangedAndUnableToEndItsBlock() {
    JsonObject summary = SampleSummary.reconnectStorm().put("simulation", HOSTILE);
    String html = HtmlReport.render(summary);
    Matcher block = Pattern.compile("<script type=\"application/json\" id=\"summary\">(.*?)</script>",
        Pattern.DOTALL).matcher(html);
    assertTrue(block.find());
    assertFalse(block.group(1).contains("<"));
    assertEquals(summary, new JsonObject(block.group(1)));
  }

  @Test
  void failedAssertionsAreMarkedAndTheVerdictShown() {
    String html = HtmlReport.render(SampleSummary.reconnectStorm());
    assertTrue(html.contains("<span class=\"badge failed\">FAILED</span>"));
    Matcher failed = Pattern.compile("<tr class=\"failed\">(.*?)</tr>").matcher(html);
    assertTrue(failed.find());
    assertTrue(failed.group(1).contains("stickiness.percent"));
    assertTrue(failed.group(1).contains("≥ 99.9"));
    assertTrue(failed.group(1).contains(">FAILED<"));
    assertFalse(failed.find(), "one failed assertion in the sample");
    assertEquals(3, count(html, "<tr class=\"ok\">"));

    String passed = HtmlReport.render(SampleSummary.reconnectStorm().put("ok", true));
    assertTrue(passed.contains("<span class=\"badge ok\">OK</span>"));
  }

  @Test
  void theTierPartShowsOperationsEachSeriesVerdictAndAChartPerSeries() {
    String html = HtmlReport.render(SampleSummary.soak());
    assertTrue(html.contains("<h2>Tier</h2>"));
    assertTrue(html.contains("<td>drain b2 at 20/s</td>"), html);
    assertEquals(6, count(html, "<div class=\"chart\" id=\"chart-node-"));
    Matcher leak = Pattern.compile("<tr class=\"failed\"><td>heap</td><td>http://127.0.0.1:8082</td>"
        + "<td class=\"num\">2.0 MiB</td><td class=\"num\">36.0 %</td>.*?</td><td>LEAK</td></tr>").matcher(html);
    assertTrue(leak.find(), "node 2's heap is marked as a leak");
    assertEquals(11, count(html, "<td>levels off</td>"));

    String plain = HtmlReport.render(SampleSummary.reconnectStorm());
    assertFalse(plain.contains("<h2>Tier</h2>"), "no tier part for a run that neither sampled nor operated the tier");
  }

  @Test
  void optionalAndEmptyPartsShowAsAbsentNotAsErrors() {
    JsonObject summary = SampleSummary.reconnectStorm();
    summary.getJsonObject("latency").remove("publishToReceive");
    summary.put("stickiness", null).put("failuresByCause", new JsonObject()).put("brokers", new JsonObject())
        .put("assertions", new JsonArray()).put("series", new JsonArray());
    String html = HtmlReport.render(summary);
    assertTrue(html.contains("<p class=\"muted\">Not measured.</p>"), "a summary without a stickiness object");
    assertTrue(html.contains("No failures."));
    assertTrue(html.contains("No assertions."));
    assertTrue(html.contains("No broker distribution recorded."));
    assertTrue(html.matches("(?s).*<th>Publish to receive</th>(<td class=\"num\">–</td>){7}</tr>.*"));
  }

  @Test
  void stickinessNotMeasuredShowsADashAndWhyNeverAPercentage() {
    JsonObject summary = SampleSummary.reconnectStorm();
    summary.put("stickiness", new JsonObject().putNull("method").put("tried", "markers").put("reconnects", 0)
        .put("sameBroker", 0).putNull("moved").putNull("percent").put("note", "no broker held a marker (publish them with --brokers)"))
        .put("warnings", new JsonArray().add("no retained marker on mqttlb/broker: use --brokers"));
    String html = HtmlReport.render(summary);
    assertTrue(html.contains("Not measured by markers: no broker held a marker (publish them with --brokers)."), html);
    assertTrue(html.contains("<tr><th>Sticky</th><td class=\"num\">–</td></tr>"));
    assertTrue(html.contains("<div class=\"value\">–</div><div class=\"label\">sticky reconnects</div>"));
    assertFalse(html.contains("100.00 %"));
    assertTrue(html.contains("<li>no retained marker on mqttlb/broker: use --brokers</li>"));
  }

  @Test
  void theStickinessMethodIsNamed() {
    String html = HtmlReport.render(SampleSummary.reconnectStorm());
    assertTrue(html.contains("<tr><th>Method</th><td class=\"num\">markers</td></tr>"));
    assertTrue(html.contains("learned from each broker&#39;s retained marker"), html);
    assertFalse(html.contains("<section class=\"warnings\">"), "no warnings, no section");
  }

  @Test
  void seriesWithoutPublishToReceiveSamplesStillRender() {
    JsonObject summary = SampleSummary.reconnectStorm();
    for (Object sample : summary.getJsonArray("series")) {
      ((JsonObject) sample).putNull("p2rP50").putNull("p2rP95").putNull("p2rP99");
    }
    String html = HtmlReport.render(summary);
    assertTrue(html.contains("id=\"chart-p2r\""));
  }

  @Test
  void anEmptySummaryRenders() {
    String html = HtmlReport.render(new JsonObject());
    assertTrue(html.contains("<span class=\"badge unknown\">no verdict</span>"));
    assertTrue(html.contains("<dt>Duration</dt><dd>–</dd>"));
  }

  @Test
  void isSelfContained() {
    String html = HtmlReport.render(SampleSummary.reconnectStorm());
    assertFalse(Pattern.compile("(?i)<(link|img|iframe)\\b").matcher(html).find());
    assertFalse(Pattern.compile("(?i)<script[^>]*\\bsrc=").matcher(html).find());
    assertFalse(Pattern.compile("(?i)@import|url\\(").matcher(styles(html)).find());
    assertTrue(html.contains("var uPlot="), "uPlot inlined");
  }

  @Test
  void writesTheFileFromSummaryJson(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("summary.json");
    Files.writeString(json, SampleSummary.reconnectStorm().encodePrettily());
    Path html = dir.resolve("report/index.html");
    HtmlReport.write(json, html);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(page.startsWith("<!DOCTYPE html>"));
    assertTrue(page.contains("<h1>reconnect-storm"));
    assertTrue(page.contains("<dt>Duration</dt><dd>31.2 s</dd>"));
    assertTrue(page.contains("<dt>Targets</dt><dd>127.0.0.1:1883, 127.0.0.1:1884, 127.0.0.1:1885</dd>"));
  }

  @Test
  void formatsNumbersForReaders() {
    assertEquals("0.412", HtmlPage.millis(0.4123));
    assertEquals("8.14", HtmlPage.millis(8.1401));
    assertEquals("20.3", HtmlPage.millis(20.31));
    assertEquals("153", HtmlPage.millis(153.2));
    assertEquals("–", HtmlPage.millis(null));
    assertEquals("1,500", HtmlPage.number(1500, 1));
    assertEquals("48.1", HtmlPage.number(48.1, 1));
    assertEquals("–", HtmlPage.number("12", 1));
  }

  private static String withoutScripts(String html) {
    return html.replaceAll("(?s)<script[^>]*>.*?</script>", "");
  }

  private static String styles(String html) {
    Matcher m = Pattern.compile("(?s)<style>(.*?)</style>").matcher(html);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      b.append(m.group(1));
    }
    return b.toString();
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
