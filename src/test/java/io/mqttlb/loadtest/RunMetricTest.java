package io.mqttlb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.loadtest.soak.NodeSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Assertion metrics are one type with one parser, and docs/load-testing.md lists exactly them. */
class RunMetricTest {
  private static final Path DOC = Path.of("docs", "load-testing.md");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void everyNameParsesBackToItsMetricAndNoOtherNameDoes() {
    for (RunMetric metric : RunMetric.values()) {
      assertEquals(metric, RunMetric.parse(metric.key()));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunMetric.parse("CONNACK_P99"));
    assertTrue(e.getMessage().startsWith("unknown metric 'CONNACK_P99'; expected one of connack.min, "), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RunMetric.parse(null));
  }

  @Test
  void onlyALatencyTakesADuration() {
    assertEquals(new Assertion(RunMetric.CONNACK_P99, Assertion.Op.LT, 50),
        Assertion.metric(RunMetric.CONNACK_P99).lt(Duration.ofMillis(50)));
    assertEquals("connack.p99 lt 50ms", Assertion.metric(RunMetric.CONNACK_P99).lt(Duration.ofMillis(50)).toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Assertion.metric(RunMetric.FAILURES_TOTAL).lt(Duration.ofSeconds(1)));
    assertEquals("failures.total is not a latency: compare it with a number", e.getMessage());
  }

  @Test
  void noDataReadsNotMeasuredForStickinessAndNoneOtherwise() {
    assertEquals("not measured", Assertion.metric(RunMetric.STICKINESS_MOVED).eq(0).format(Double.NaN));
    assertEquals("none", Assertion.metric(RunMetric.PUBLISH_TO_RECEIVE_P50).lt(1).format(Double.NaN));
    assertEquals("99.5", Assertion.metric(RunMetric.STICKINESS_PERCENT).gte(99).format(99.5));
  }

  @Test
  void theDocumentedMetricsAreExactlyTheType() throws IOException {
    List<String> documented = new ArrayList<>();
    for (String row : tableRows(section("### Assertions"))) {
      Matcher names = CODE.matcher(row.split("\\|")[1]);
      while (names.find()) {
        documented.addAll(expandBraces(names.group(1)));
      }
    }
    assertEquals(Arrays.stream(RunMetric.values()).map(RunMetric::key).toList(), documented);
  }

  @Test
  void theDocumentedComparisonsAreExactlyTheOps() throws IOException {
    String sentence = section("### Assertions").lines().filter(l -> l.startsWith("`{ metric: NAME, OP: VALUE }`"))
        .findFirst().orElseThrow(() -> new AssertionError("no line introduces { metric: NAME, OP: VALUE }"));
    List<String> ops = new ArrayList<>();
    Matcher code = CODE.matcher(sentence.substring(sentence.indexOf("one of")));
    while (code.find()) {
      ops.add(code.group(1));
    }
    assertEquals(Arrays.stream(Assertion.Op.values()).map(op -> op.key).toList(), ops);
  }

  @Test
  void theDocumentedSeriesAreExactlyTheNoLeakSeries() throws IOException {
    List<String> documented = new ArrayList<>();
    for (String row : tableRows(section("**Series**"))) {
      Matcher name = CODE.matcher(row.split("\\|")[1]);
      assertTrue(name.find(), row);
      documented.add(name.group(1));
    }
    assertEquals(Arrays.stream(NodeSeries.values()).map(s -> s.key).toList(), documented);
  }

  /** From the heading to the next heading, or to the end of the first table after a bold title. */
  private static String section(String start) throws IOException {
    String doc = Files.readString(DOC);
    int from = doc.indexOf("\n" + start);
    assertTrue(from >= 0, DOC + " has no " + start);
    int end = doc.indexOf("\n#", from + 1);
    return doc.substring(from + 1, end < 0 ? doc.length() : end);
  }

  /** The rows of the section's first table, without its header and separator. */
  private static List<String> tableRows(String section) {
    List<String> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : section.lines().toList()) {
      if (line.startsWith("|")) {
        inTable = true;
        rows.add(line);
      } else if (inTable) {
        break;
      }
    }
    assertTrue(rows.size() > 2, "no table in:\n" + section);
    return rows.subList(2, rows.size());
  }

  /** {@code connack.{min,p50}} is {@code connack.min} and {@code connack.p50}. */
  private static List<String> expandBraces(String name) {
    Matcher braces = Pattern.compile("(.*)\\{([^}]*)}(.*)").matcher(name);
    if (!braces.matches()) {
      return List.of(name);
    }
    return Arrays.stream(braces.group(2).split(",")).map(s -> braces.group(1) + s.strip() + braces.group(3)).toList();
  }
}
