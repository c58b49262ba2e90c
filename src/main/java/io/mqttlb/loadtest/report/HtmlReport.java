package io.mqttlb.loadtest.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run report a person opens: one HTML file written from a {@code summary.json} (its schema, which
 * scripts and CI read too, is held by {@code LoadtestCommandTest}). Header, totals, assertions, failures by cause, latency percentiles, stickiness
 * and clients per broker are plain tables, readable without JavaScript; the charts over time are drawn
 * by uPlot from the summary embedded in the page. Optional or absent fields (no publish-to-receive
 * samples, no stickiness measured, an empty series) show as "–" or a note, never as an error.
 */
public final class HtmlReport {

  private HtmlReport() {
  }

  public static void write(Path summaryJson, Path html) throws IOException {
    JsonObject summary = new JsonObject(Files.readString(summaryJson, StandardCharsets.UTF_8));
    Path parent = html.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(html, render(summary), StandardCharsets.UTF_8);
  }

  static String render(JsonObject summary) {
    String name = string(summary.getValue("simulation"), "simulation");
    HtmlPage page = new HtmlPage("Load test: " + name);
    JsonObject totals = summary.getJsonObject("totals", new JsonObject());
    JsonObject latency = summary.getJsonObject("latency", new JsonObject());
    header(page, summary, name);
    warnings(page, summary.getJsonArray("warnings", new JsonArray()));
    cards(page, totals, latency, summary.getValue("stickiness"));
    page.html("<div class=\"cols\">\n<section>\n");
    totals(page, totals);
    page.html("</section>\n<section>\n");
    assertions(page, summary.getJsonArray("assertions", new JsonArray()));
    failures(page, summary.getJsonObject("failuresByCause", new JsonObject()));
    page.html("</section>\n</div>\n");
    latency(page, latency);
    charts(page);
    page.html("<div class=\"cols\">\n<section>\n");
    stickiness(page, summary.getValue("stickiness"));
    page.html("</section>\n<section>\n");
    brokers(page, summary.getJsonObject("brokers", new JsonObject()));
    page.html("</section>\n</div>\n");
    TierResourcesSection.render(page, summary.getJsonArray("nodes", new JsonArray()),
        summary.getJsonArray("operations", new JsonArray()));
    page.json("summary", summary);
    return page.finish("summary.js");
  }

  private static void header(HtmlPage page, JsonObject summary, String name) {
    Object ok = summary.getValue("ok");
    String badge = Boolean.TRUE.equals(ok) ? "<span class=\"badge ok\">OK</span>"
        : Boolean.FALSE.equals(ok) ? "<span class=\"badge failed\">FAILED</span>"
        : "<span class=\"badge unknown\">no verdict</span>";
    page.html("<header>\n<h1>").text(name).html(badge).html("</h1>\n");
    Object description = summary.getValue("description");
    if (description != null && !description.toString().isBlank()) {
      page.html("<p class=\"description\">").text(description.toString()).html("</p>\n");
    }
    page.html("<dl class=\"facts\">\n");
    fact(page, "Started", string(summary.getValue("startedAt"), "–"));
    fact(page, "Duration", duration(summary.getValue("durationMillis")));
    List<String> targets = new ArrayList<>();
    JsonArray array = summary.getJsonArray("targets", new JsonArray());
    for (Object target : array) {
      targets.add(String.valueOf(target));
    }
    fact(page, "Targets", targets.isEmpty() ? "–" : String.join(", ", targets));
    page.html("</dl>\n</header>\n");
  }

  /** The figures a reader looks for first, as large numbers under the header. */
  private static void cards(HtmlPage page, JsonObject totals, JsonObject latency, Object stickiness) {
    page.html("<div class=\"cards\">\n");
    card(page, HtmlPage.millis(percentile(latency, "connack", "p99")) + " ms", "CONNACK p99");
    card(page, HtmlPage.millis(percentile(latency, "publishToReceive", "p99")) + " ms", "publish-to-receive p99");
    card(page, HtmlPage.number(totals.getValue("connectsPerSec"), 1), "connects/s");
    card(page, HtmlPage.number(totals.getValue("messagesPerSec"), 1), "messages/s");
    card(page, HtmlPage.number(totals.getValue("failuresPercent"), 2) + " %", "failures");
    Object sticky = stickiness instanceof JsonObject s ? s.getValue("percent") : null;
    card(page, sticky instanceof Number ? HtmlPage.number(sticky, 2) + " %" : "–", "sticky reconnects");
    page.html("</div>\n");
  }

  private static Object percentile(JsonObject latency, String kind, String key) {
    return latency.getValue(kind) instanceof JsonObject l ? l.getValue(key) : null;
  }

  private static void card(HtmlPage page, String value, String label) {
    page.html("<div class=\"card\"><div class=\"value\">").text(value).html("</div><div class=\"label\">")
        .text(label).html("</div></div>\n");
  }

  private static void fact(HtmlPage page, String label, String value) {
    page.html("<dt>").text(label).html("</dt><dd>").text(value).html("</dd>\n");
  }

  private static void totals(HtmlPage page, JsonObject totals) {
    page.html("<h2>Totals</h2>\n<table class=\"data totals\">\n<tbody>\n");
    row(page, "Users", HtmlPage.number(totals.getValue("users"), 0));
    row(page, "Connects", HtmlPage.number(totals.getValue("connects"), 0));
    row(page, "Connects per second", HtmlPage.number(totals.getValue("connectsPerSec"), 1));
    row(page, "Messages sent", HtmlPage.number(totals.getValue("messagesSent"), 0));
    row(page, "Messages received", HtmlPage.number(totals.getValue("messagesReceived"), 0));
    row(page, "Messages per second", HtmlPage.number(totals.getValue("messagesPerSec"), 1));
    row(page, "Duplicates (QoS ≥ 1 sent again)", HtmlPage.number(totals.getValue("messagesDuplicated"), 0));
    row(page, "Failures", HtmlPage.number(totals.getValue("failures"), 0));
    row(page, "Failures %", HtmlPage.number(totals.getValue("failuresPercent"), 2));
    row(page, "Deliveries lost (QoS ≥ 1)", HtmlPage.number(totals.getValue("deliveryLost"), 0));
    page.html("</tbody>\n</table>\n");
  }

  private static void row(HtmlPage page, String label, String value) {
    page.html("<tr><th>").text(label).html("</th><td class=\"num\">").text(value).html("</td></tr>\n");
  }

  private static void assertions(HtmlPage page, JsonArray assertions) {
    page.html("<h2>Assertions</h2>\n");
    if (assertions.isEmpty()) {
      page.html("<p class=\"muted\">No assertions.</p>\n");
      return;
    }
    page.html("<table class=\"data assertions\">\n<thead><tr><th>Metric</th><th>Condition</th>"
        + "<th class=\"num\">Actual</th><th>Result</th></tr></thead>\n<tbody>\n");
    for (Object item : assertions) {
      JsonObject a = item instanceof JsonObject o ? o : new JsonObject();
      boolean ok = Boolean.TRUE.equals(a.getValue("ok"));
      page.html(ok ? "<tr class=\"ok\">" : "<tr class=\"failed\">");
      page.html("<td>").text(string(a.getValue("metric"), "–")).html("</td>");
      page.html("<td>").text(operator(a.getValue("op")) + " " + string(a.getValue("expected"), "–"))
          .html("</td>");
      page.html("<td class=\"num\">").text(string(a.getValue("actual"), "–")).html("</td>");
      page.html("<td class=\"result\">").text(ok ? "OK" : "FAILED").html("</td></tr>\n");
    }
    page.html("</tbody>\n</table>\n");
  }

  private static String operator(Object op) {
    String name = string(op, "?");
    return switch (name) {
      case "lt" -> "<";
      case "lte" -> "≤";
      case "gt" -> ">";
      case "gte" -> "≥";
      case "eq" -> "=";
      default -> name;
    };
  }

  private static void failures(HtmlPage page, JsonObject byCause) {
    page.html("<h2>Failures by cause</h2>\n");
    if (byCause.isEmpty()) {
      page.html("<p class=\"muted\">No failures.</p>\n");
      return;
    }
    long total = 0;
    for (Map.Entry<String, Object> e : byCause) {
      total += e.getValue() instanceof Number n ? n.longValue() : 0;
    }
    page.html("<table class=\"data failures\">\n<thead><tr><th>Cause</th><th class=\"num\">Count</th>"
        + "<th class=\"num\">Share</th></tr></thead>\n<tbody>\n");
    for (Map.Entry<String, Object> e : byCause) {
      long count = e.getValue() instanceof Number n ? n.longValue() : 0;
      page.html("<tr><td>").text(e.getKey()).html("</td><td class=\"num\">")
          .text(HtmlPage.number(e.getValue(), 0)).html("</td><td class=\"num\">")
          .text(total == 0 ? "–" : HtmlPage.number(100.0 * count / total, 1) + " %").html("</td></tr>\n");
    }
    page.html("</tbody>\n</table>\n");
  }

  private static void latency(HtmlPage page, JsonObject latency) {
    page.html("<h2>Latency (milliseconds)</h2>\n<table class=\"data latency\">\n<thead><tr><th></th>"
        + "<th class=\"num\">Count</th><th class=\"num\">Min</th><th class=\"num\">p50</th>"
        + "<th class=\"num\">p95</th><th class=\"num\">p99</th><th class=\"num\">Max</th>"
        + "<th class=\"num\">Mean</th></tr></thead>\n<tbody>\n");
    latencyRow(page, "CONNACK", latency.getValue("connack"));
    latencyRow(page, "Publish to receive", latency.getValue("publishToReceive"));
    page.html("</tbody>\n</table>\n");
  }

  private static void latencyRow(HtmlPage page, String label, Object value) {
    JsonObject l = value instanceof JsonObject o ? o : new JsonObject();
    page.html("<tr><th>").text(label).html("</th><td class=\"num\">")
        .text(HtmlPage.number(l.getValue("count"), 0)).html("</td>");
    for (String key : List.of("min", "p50", "p95", "p99", "max", "mean")) {
      page.html("<td class=\"num\">").text(HtmlPage.millis(l.getValue(key))).html("</td>");
    }
    page.html("</tr>\n");
  }

  private static void charts(HtmlPage page) {
    page.html("<h2>Over time</h2>\n<noscript><p class=\"muted\">The charts need JavaScript.</p></noscript>\n"
        + "<div class=\"grid\">\n");
    chart(page, "chart-connack", "CONNACK latency (ms): p50, p95, p99");
    chart(page, "chart-p2r", "Publish-to-receive latency (ms): p50, p95, p99");
    chart(page, "chart-throughput", "Throughput: connects/s, messages/s, errors/s");
    chart(page, "chart-users", "Active users");
    chart(page, "chart-brokers", "Clients per broker");
    page.html("</div>\n");
  }

  private static void chart(HtmlPage page, String id, String title) {
    page.html("<section><h3>").text(title).html("</h3><div class=\"chart\" id=\"").text(id)
        .html("\"></div></section>\n");
  }

  /** The run's warnings, above the figures they qualify (summaries from before warnings existed have none). */
  private static void warnings(HtmlPage page, JsonArray warnings) {
    if (warnings.isEmpty()) {
      return;
    }
    page.html("<section class=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
    for (Object warning : warnings) {
      page.html("<li>").text(String.valueOf(warning)).html("</li>\n");
    }
    page.html("</ul>\n</section>\n");
  }

  private static void stickiness(HtmlPage page, Object value) {
    page.html("<h2>Stickiness</h2>\n");
    if (!(value instanceof JsonObject s)) {
      page.html("<p class=\"muted\">Not measured.</p>\n");
      return;
    }
    Object method = s.getValue("method");
    if (!(s.getValue("percent") instanceof Number) || method == null) {
      String tried = s.getValue("tried") == null ? "" : " by " + s.getValue("tried");
      String note = s.getValue("note") == null ? "" : ": " + s.getValue("note");
      page.html("<p class=\"muted not-measured\">").text("Not measured" + tried + note + ".").html("</p>\n")
          .html("<table class=\"data stickiness\">\n<tbody>\n");
      row(page, "Sticky", "–");
      page.html("</tbody>\n</table>\n");
      return;
    }
    page.html("<p class=\"muted\">Reconnects that reached the same broker as the connection before, ")
        .text(METHODS.getOrDefault(method.toString(), "measured by " + method))
        .html(".</p>\n<table class=\"data stickiness\">\n<tbody>\n");
    row(page, "Method", method.toString());
    row(page, "Reconnects", HtmlPage.number(s.getValue("reconnects"), 0));
    row(page, "Same broker", HtmlPage.number(s.getValue("sameBroker"), 0));
    row(page, "Moved", HtmlPage.number(s.getValue("moved"), 0));
    Object percent = s.getValue("percent");
    page.html("<tr><th>Sticky</th><td class=\"num\">").text(HtmlPage.number(percent, 2) + " %")
        .html("</td><td class=\"bar\">").html(bar(percent instanceof Number n ? n.doubleValue() : 0))
        .html("</td></tr>\n</tbody>\n</table>\n");
  }

  private static final Map<String, String> METHODS = Map.of(
      "markers", "learned from each broker's retained marker",
      "session-present", "learned from CONNACK's session-present flag on reconnects that resume a persistent session",
      "connection-events", "learned from the brokers' connection events");

  private static void brokers(HtmlPage page, JsonObject brokers) {
    page.html("<h2>Clients per broker at the end</h2>\n");
    if (brokers.isEmpty()) {
      page.html("<p class=\"muted\">No broker distribution recorded.</p>\n");
      return;
    }
    long total = 0;
    long most = 0;
    for (Map.Entry<String, Object> e : brokers) {
      long n = e.getValue() instanceof Number v ? v.longValue() : 0;
      total += n;
      most = Math.max(most, n);
    }
    page.html("<table class=\"data brokers\">\n<thead><tr><th>Broker</th><th class=\"num\">Clients</th>"
        + "<th class=\"num\">Share</th><th></th></tr></thead>\n<tbody>\n");
    List<String> ids = new ArrayList<>(brokers.fieldNames());
    ids.sort(null);
    for (String id : ids) {
      Object value = brokers.getValue(id);
      long n = value instanceof Number v ? v.longValue() : 0;
      page.html("<tr><td>").text(id).html("</td><td class=\"num\">").text(HtmlPage.number(value, 0))
          .html("</td><td class=\"num\">")
          .text(total == 0 ? "–" : HtmlPage.number(100.0 * n / total, 1) + " %")
          .html("</td><td class=\"bar\">").html(bar(most == 0 ? 0 : 100.0 * n / most)).html("</td></tr>\n");
    }
    page.html("</tbody>\n</table>\n");
  }

  /** A horizontal bar filled to {@code percent} of its track; plain CSS, so it shows without JS. */
  static String bar(double percent) {
    double p = Double.isNaN(percent) ? 0 : Math.max(0, Math.min(100, percent));
    return String.format(Locale.ROOT,
        "<div class=\"bar-track\"><div class=\"bar-fill\" style=\"width:%.1f%%\"></div></div>", p);
  }

  private static String duration(Object millis) {
    if (!(millis instanceof Number n)) {
      return "–";
    }
    double seconds = n.doubleValue() / 1000.0;
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min %02d s", s / 3600, s % 3600 / 60, s % 60);
  }

  private static String string(Object value, String absent) {
    return value == null ? absent : value.toString();
  }
}
