package io.mqttlb.loadtest.report;

import io.mqttlb.loadtest.RunMetric;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The side-by-side report: reads {@code DIR/<target>-<round>/summary.json} for the targets direct, mqttlb
 * and haproxy, and writes {@code DIR/compare.json} and {@code DIR/compare.html}: per key metric, each
 * target's value in every round, its median over the rounds, and that median's ratio to direct's.
 * A run directory whose summary is missing or unreadable is listed as such, not fatal.
 *
 * <p>{@code java -cp target/mqttlb.jar io.mqttlb.loadtest.report.CompareReport DIR}; exit 2 when DIR
 * holds no run at all.
 */
public final class CompareReport {

  /** The targets in the order the tables show them; ratios are against the first. */
  static final List<String> TARGETS = List.of("direct", "mqttlb", "haproxy");
  private static final Pattern RUN = Pattern.compile("(direct|mqttlb|haproxy)-(\\d+)");

  /** One compared metric, named as in the simulation assertions, read from a summary. */
  record Metric(RunMetric metric, String label, String unit, boolean lowerIsBetter, Function<JsonObject, Object> read) {
  }

  static final List<Metric> METRICS = List.of(
      new Metric(RunMetric.CONNACK_P50, "CONNACK p50", "ms", true, s -> field(s, "latency", "connack", "p50")),
      new Metric(RunMetric.CONNACK_P99, "CONNACK p99", "ms", true, s -> field(s, "latency", "connack", "p99")),
      new Metric(RunMetric.PUBLISH_TO_RECEIVE_P50, "Publish-to-receive p50", "ms", true,
          s -> field(s, "latency", "publishToReceive", "p50")),
      new Metric(RunMetric.PUBLISH_TO_RECEIVE_P99, "Publish-to-receive p99", "ms", true,
          s -> field(s, "latency", "publishToReceive", "p99")),
      new Metric(RunMetric.CONNECTS_PER_SEC, "Connects per second", "/s", false, s -> field(s, "totals", "connectsPerSec")),
      new Metric(RunMetric.MESSAGES_PER_SEC, "Messages per second", "/s", false, s -> field(s, "totals", "messagesPerSec")),
      new Metric(RunMetric.FAILURES_PERCENT, "Failures", "%", true, s -> field(s, "totals", "failuresPercent")),
      new Metric(RunMetric.STICKINESS_PERCENT, "Sticky reconnects", "%", false, s -> field(s, "stickiness", "percent")));

  private CompareReport() {
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: CompareReport DIR   (DIR holds <target>-<round>/summary.json, target in "
          + String.join("|", TARGETS) + ")");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    try {
      write(dir);
      System.out.println("compare: wrote " + dir.resolve("compare.html") + " and " + dir.resolve("compare.json"));
    } catch (IllegalArgumentException e) {
      System.err.println("compare: " + e.getMessage());
      System.exit(2);
    } catch (IOException e) {
      System.err.println("compare: " + e);
      System.exit(1);
    }
  }

  /** Writes compare.json and compare.html into {@code dir} and returns the comparison. */
  static JsonObject write(Path dir) throws IOException {
    JsonObject comparison = compare(dir);
    Files.writeString(dir.resolve("compare.json"), comparison.encodePrettily(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("compare.html"), render(comparison), StandardCharsets.UTF_8);
    return comparison;
  }

  static JsonObject compare(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a directory");
    }
    // target -> round -> summary
    Map<String, TreeMap<Integer, JsonObject>> runs = new TreeMap<>();
    TreeSet<Integer> rounds = new TreeSet<>();
    List<JsonObject> runList = new ArrayList<>();
    TreeSet<String> simulations = new TreeSet<>();
    List<Path> children;
    try (Stream<Path> list = Files.list(dir)) {
      children = list.filter(Files::isDirectory).sorted().toList();
    }
    for (Path child : children) {
      Matcher m = RUN.matcher(child.getFileName().toString());
      if (!m.matches()) {
        continue;
      }
      String target = m.group(1);
      int round = Integer.parseInt(m.group(2));
      JsonObject run = new JsonObject().put("target", target).put("round", round)
          .put("dir", child.getFileName().toString());
      Path json = child.resolve("summary.json");
      try {
        JsonObject summary = new JsonObject(Files.readString(json, StandardCharsets.UTF_8));
        runs.computeIfAbsent(target, t -> new TreeMap<>()).put(round, summary);
        rounds.add(round);
        Object simulation = summary.getValue("simulation");
        if (simulation != null) {
          simulations.add(simulation.toString());
        }
        run.put("ok", summary.getValue("ok")).put("startedAt", summary.getValue("startedAt"))
            .put("durationMillis", summary.getValue("durationMillis"))
            .put("report", Files.isRegularFile(child.resolve("index.html")));
      } catch (IOException | DecodeException e) {
        run.put("problem", Files.exists(json) ? "unreadable summary.json: " + e.getMessage() : "no summary.json");
      }
      runList.add(run);
    }
    // In the order they ran: round by round, the targets in their fixed order within a round.
    runList.sort(Comparator.comparing((JsonObject run) -> run.getInteger("round"))
        .thenComparing(run -> TARGETS.indexOf(run.getString("target"))));
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no <target>-<round>/summary.json under " + dir
          + " (target in " + String.join("|", TARGETS) + ")");
    }
    List<String> targets = TARGETS.stream().filter(runs::containsKey).toList();
    JsonArray metrics = new JsonArray();
    for (Metric metric : METRICS) {
      JsonObject perTarget = new JsonObject();
      Double directMedian = null;
      for (String target : targets) {
        JsonArray values = new JsonArray();
        List<Double> present = new ArrayList<>();
        for (int round : rounds) {
          JsonObject summary = runs.get(target).get(round);
          Object value = summary == null ? null : metric.read().apply(summary);
          if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            values.add(n.doubleValue());
            present.add(n.doubleValue());
          } else {
            values.addNull();
          }
        }
        Double median = median(present);
        if (target.equals(TARGETS.get(0))) {
          directMedian = median;
        }
        perTarget.put(target, new JsonObject().put("rounds", values).put("median", median));
      }
      for (String target : targets) {
        JsonObject entry = perTarget.getJsonObject(target);
        Double median = entry.getDouble("median");
        entry.put("ratioVsDirect", median == null || directMedian == null || directMedian == 0
            ? null : median / directMedian);
      }
      metrics.add(new JsonObject().put("metric", metric.metric().key()).put("label", metric.label())
          .put("unit", metric.unit()).put("better", metric.lowerIsBetter() ? "lower" : "higher")
          .put("targets", perTarget));
    }
    return new JsonObject()
        .put("simulation", simulations.isEmpty() ? null : String.join(", ", simulations))
        .put("targets", new JsonArray(new ArrayList<>(targets)))
        .put("rounds", new JsonArray(new ArrayList<>(rounds)))
        .put("runs", new JsonArray(new ArrayList<>(runList)))
        .put("metrics", metrics);
  }

  /** The median of the values, the mean of the middle two for an even count; null for none. */
  static Double median(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }

  static String render(JsonObject comparison) {
    String simulation = comparison.getValue("simulation") == null ? "simulation"
        : comparison.getValue("simulation").toString();
    HtmlPage page = new HtmlPage("Comparison: " + simulation);
    List<String> targets = strings(comparison.getJsonArray("targets", new JsonArray()));
    JsonArray rounds = comparison.getJsonArray("rounds", new JsonArray());
    page.html("<header>\n<h1>Comparison: ").text(simulation).html("</h1>\n");
    page.html("<p class=\"description\">The same simulation against the brokers directly, through mqttlb "
        + "and through HAProxy, interleaved round by round. Medians over the rounds; the ratio is the "
        + "target's median over direct's.</p>\n<dl class=\"facts\">\n<dt>Targets</dt><dd>")
        .text(String.join(", ", targets)).html("</dd>\n<dt>Rounds</dt><dd>")
        .text(String.valueOf(rounds.size())).html("</dd>\n</dl>\n</header>\n");
    runs(page, comparison.getJsonArray("runs", new JsonArray()));
    page.html("<h2>Metrics</h2>\n<noscript><p class=\"muted\">The charts need JavaScript.</p></noscript>\n"
        + "<div class=\"grid\">\n");
    JsonArray metrics = comparison.getJsonArray("metrics", new JsonArray());
    for (int i = 0; i < metrics.size(); i++) {
      metric(page, metrics.getJsonObject(i), targets, rounds, i);
    }
    page.html("</div>\n");
    page.json("compare", comparison);
    return page.finish("compare.js");
  }

  private static void runs(HtmlPage page, JsonArray runs) {
    page.html("<h2>Runs</h2>\n<table class=\"data runs\">\n<thead><tr><th>Run</th><th>Result</th>"
        + "<th>Started</th><th class=\"num\">Duration</th><th>Report</th></tr></thead>\n<tbody>\n");
    for (Object item : runs) {
      JsonObject run = (JsonObject) item;
      Object ok = run.getValue("ok");
      String problem = run.getString("problem");
      String dir = run.getString("dir", "");
      page.html(Boolean.TRUE.equals(ok) ? "<tr class=\"ok\">" : "<tr class=\"failed\">");
      page.html("<td>").text(dir).html("</td><td class=\"result\">")
          .text(problem != null ? problem : Boolean.TRUE.equals(ok) ? "OK" : Boolean.FALSE.equals(ok) ? "FAILED" : "–")
          .html("</td><td>").text(run.getValue("startedAt") == null ? "–" : run.getValue("startedAt").toString())
          .html("</td><td class=\"num\">");
      Object millis = run.getValue("durationMillis");
      page.text(millis instanceof Number n ? HtmlPage.number(n.doubleValue() / 1000.0, 1) + " s" : "–")
          .html("</td><td>");
      if (Boolean.TRUE.equals(run.getValue("report"))) {
        // A relative link to the run's own report next to this file; nothing is fetched from elsewhere.
        page.html("<a href=\"").text(dir + "/index.html").html("\">").text("index.html").html("</a>");
      }
      page.html("</td></tr>\n");
    }
    page.html("</tbody>\n</table>\n");
  }

  private static void metric(HtmlPage page, JsonObject metric, List<String> targets, JsonArray rounds, int index) {
    String unit = metric.getString("unit", "");
    page.html("<section>\n<h3>").text(metric.getString("label", metric.getString("metric", "")))
        .html(" <span class=\"muted\">(").text(unit + ", " + metric.getString("better", "?") + " is better")
        .html(")</span></h3>\n<table class=\"data compare\">\n<thead><tr><th>Target</th>");
    for (Object round : rounds) {
      page.html("<th class=\"num\">").text("round " + round).html("</th>");
    }
    page.html("<th class=\"num\">Median</th><th class=\"num\">vs direct</th></tr></thead>\n<tbody>\n");
    JsonObject perTarget = metric.getJsonObject("targets", new JsonObject());
    for (String target : targets) {
      JsonObject entry = perTarget.getJsonObject(target, new JsonObject());
      page.html("<tr><th>").text(target).html("</th>");
      JsonArray values = entry.getJsonArray("rounds", new JsonArray());
      for (int r = 0; r < rounds.size(); r++) {
        page.html("<td class=\"num\">").text(format(r < values.size() ? values.getValue(r) : null, unit))
            .html("</td>");
      }
      page.html("<td class=\"num\"><strong>").text(format(entry.getValue("median"), unit))
          .html("</strong></td><td class=\"num\">");
      Object ratio = entry.getValue("ratioVsDirect");
      page.text(ratio instanceof Number ? HtmlPage.number(ratio, 2) + " ×" : "–").html("</td></tr>\n");
    }
    page.html("</tbody>\n</table>\n<div class=\"chart\" id=\"chart-metric-").text(String.valueOf(index))
        .html("\"></div>\n</section>\n");
  }

  private static String format(Object value, String unit) {
    if (!(value instanceof Number)) {
      return "–";
    }
    return switch (unit) {
      case "ms" -> HtmlPage.millis(value);
      case "%" -> HtmlPage.number(value, 2);
      default -> HtmlPage.number(value, 1);
    };
  }

  private static Object field(JsonObject summary, String... path) {
    Object value = summary;
    for (String key : path) {
      if (!(value instanceof JsonObject o)) {
        return null;
      }
      value = o.getValue(key);
    }
    return value;
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(String.valueOf(v)));
    return out;
  }
}
