package io.mqttlb.loadtest;

import io.mqttlb.loadtest.soak.SoakResult;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a run: the summary in the schema of summary.json, the metric values assertions
 * can name, and the assertions' results. Immutable after the run.
 */
public final class LoadTestResult {
  private final JsonObject summary;
  /** Every {@link RunMetric}, each with its value. */
  private final Map<RunMetric, Double> metrics;
  private final List<AssertionResult> assertions;
  private final List<SoakResult.LeakResult> leakAssertions;

  LoadTestResult(JsonObject summary, Map<RunMetric, Double> metrics, List<AssertionResult> assertions,
                 List<SoakResult.LeakResult> leakAssertions) {
    this.summary = summary;
    this.metrics = Map.copyOf(metrics);
    this.assertions = List.copyOf(assertions);
    this.leakAssertions = List.copyOf(leakAssertions);
  }

  /** summary.json's content (a copy). */
  public JsonObject summary() {
    return summary.copy();
  }

  /** The run's value of {@code metric}; NaN when it had no data. */
  public double metric(RunMetric metric) {
    return metrics.get(metric);
  }

  public List<AssertionResult> assertions() {
    return assertions;
  }

  /** The {@code noLeak} assertions' results, one line each. */
  public List<SoakResult.LeakResult> leakAssertions() {
    return leakAssertions;
  }

  /** Whether every assertion holds, {@code noLeak} ones included (true without assertions). */
  public boolean ok() {
    return assertions.stream().allMatch(AssertionResult::ok) && leakAssertions.stream().allMatch(SoakResult.LeakResult::ok);
  }

  public void writeSummary(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, summary.encodePrettily() + "\n");
  }
}
