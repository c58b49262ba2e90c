package io.mqttlb.loadtest.soak;

import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * What {@link SoakMonitor} found: summary.json's {@code nodes} (samples and per-series verdicts) and
 * {@code operations} (each tier operation's answer), and the {@code noLeak} assertions' results.
 */
public record SoakResult(JsonArray nodes, JsonArray operations, List<LeakResult> leaks) {

  /** A {@code noLeak} assertion's outcome: {@code actual} lists each node's slope and growth. */
  public record LeakResult(LeakAssertion assertion, String actual, boolean ok) {
    @Override
    public String toString() {
      return (ok ? "OK     " : "FAILED ") + assertion + " (actual " + actual + ")";
    }
  }
}
