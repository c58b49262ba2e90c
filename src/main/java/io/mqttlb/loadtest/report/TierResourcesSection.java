package io.mqttlb.loadtest.report;

import io.mqttlb.loadtest.soak.NodeSeries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The report's part about the tier itself, present when the run sampled the nodes (summary.json's
 * {@code nodes}) or changed the tier ({@code operations}): the operations and their answers, each
 * series' second-half slope and growth per node with its leak verdict (plain tables), and one chart
 * per series with a line per node (drawn by summary.js).
 */
final class TierResourcesSection {
  private TierResourcesSection() {
  }

  static void render(HtmlPage page, JsonArray nodes, JsonArray operations) {
    if (nodes.isEmpty() && operations.isEmpty()) {
      return;
    }
    page.html("<h2>Tier</h2>\n");
    if (!operations.isEmpty()) {
      operations(page, operations);
    }
    if (!nodes.isEmpty()) {
      verdicts(page, nodes);
      page.html("<noscript><p class=\"muted\">The charts need JavaScript.</p></noscript>\n<div class=\"grid\">\n");
      for (NodeSeries series : NodeSeries.values()) {
        page.html("<section><h3>").text(title(series)).html("</h3><div class=\"chart\" id=\"chart-node-")
            .text(series.key).html("\"></div></section>\n");
      }
      page.html("</div>\n");
    }
  }

  private static void operations(HtmlPage page, JsonArray operations) {
    page.html("<h3>Operations</h3>\n<table class=\"data operations\">\n<thead><tr><th class=\"num\">At (s)</th>"
        + "<th>Operation</th><th>Answer</th></tr></thead>\n<tbody>\n");
    for (Object item : operations) {
      JsonObject op = item instanceof JsonObject o ? o : new JsonObject();
      boolean ok = Boolean.TRUE.equals(op.getValue("ok"));
      page.html("<tr class=\"").html(ok ? "ok" : "failed").html("\"><td class=\"num\">")
          .text(HtmlPage.number(op.getValue("at"), 1)).html("</td><td>").text(String.valueOf(op.getValue("operation")))
          .html("</td><td>").text(String.valueOf(op.getValue("answer"))).html("</td></tr>\n");
    }
    page.html("</tbody>\n</table>\n");
  }

  /** Per series and node: slope per minute over the second half, the thirds' growth, the verdict. */
  private static void verdicts(HtmlPage page, JsonArray nodes) {
    page.html("<h3>Resources: slope over the second half, growth of the last third over the first</h3>\n"
        + "<table class=\"data leaks\">\n<thead><tr><th>Series</th><th>Node</th><th class=\"num\">Slope / min</th>"
        + "<th class=\"num\">Growth</th><th class=\"num\">Last third</th><th>Verdict</th></tr></thead>\n<tbody>\n");
    for (NodeSeries series : NodeSeries.values()) {
      for (Object item : nodes) {
        JsonObject node = item instanceof JsonObject o ? o : new JsonObject();
        JsonObject verdicts = node.getJsonObject("verdicts", new JsonObject());
        JsonObject v = verdicts.getJsonObject(series.key, new JsonObject());
        boolean judged = Boolean.TRUE.equals(v.getValue("judged"));
        boolean leak = Boolean.TRUE.equals(v.getValue("leak"));
        String verdict = !judged ? "too few samples" : leak ? "LEAK" : "levels off";
        page.html("<tr class=\"").html(!judged ? "" : leak ? "failed" : "ok").html("\"><td>").text(series.key)
            .html("</td><td>").text(String.valueOf(node.getValue("admin")))
            .html("</td><td class=\"num\">").text(value(series, v.getValue("slopePerMinute")))
            .html("</td><td class=\"num\">").text(v.getValue("growthPercent") instanceof Number
                ? HtmlPage.number(v.getValue("growthPercent"), 1) + " %" : "–")
            .html("</td><td class=\"num\">").text(value(series, v.getValue("lastThirdMean")))
            .html("</td><td>").text(verdict).html("</td></tr>\n");
      }
    }
    page.html("</tbody>\n</table>\n");
  }

  private static String value(NodeSeries series, Object value) {
    return value instanceof Number n ? series.format(n.doubleValue()) : "–";
  }

  private static String title(NodeSeries series) {
    return switch (series) {
      case HEAP -> "Heap after GC (MiB), per node";
      case DIRECT -> "JVM direct buffers (MiB), per node";
      case BUFFER_DIRECT -> "Data-plane pooled direct memory (MiB), per node";
      case FDS -> "Open file descriptors, per node";
      case THREADS -> "Live threads, per node";
      case EVENT_LOOP_LAG -> "Event-loop lag, worst loop (ms), per node";
    };
  }
}
