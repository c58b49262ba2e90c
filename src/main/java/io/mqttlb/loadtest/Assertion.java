package io.mqttlb.loadtest;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A condition on one metric of the whole run, checked at the end:
 * {@code metric(RunMetric.CONNACK_P99).lt(Duration.ofMillis(50))}. Latency metrics compare in
 * milliseconds; the others are plain numbers.
 */
public record Assertion(RunMetric metric, Op op, double expected) {

  public enum Op {
    LT("lt"), LTE("lte"), GT("gt"), GTE("gte"), EQ("eq");

    /** The key a simulation writes: {@code { metric: connack.p99, lt: 50ms }}. */
    public final String key;

    Op(String key) {
      this.key = key;
    }

    boolean holds(double actual, double expected) {
      return switch (this) {
        case LT -> actual < expected;
        case LTE -> actual <= expected;
        case GT -> actual > expected;
        case GTE -> actual >= expected;
        case EQ -> actual == expected;
      };
    }
  }

  public Assertion {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(op, "op");
    if (Double.isNaN(expected)) {
      throw new IllegalArgumentException("expected must be a number");
    }
  }

  public static Staged metric(RunMetric metric) {
    return new Staged(Objects.requireNonNull(metric, "metric"));
  }

  /** The second half of {@code metric(m).lt(x)}; a {@link Duration} only for a latency metric. */
  public record Staged(RunMetric metric) {
    public Assertion lt(double value) { return new Assertion(metric, Op.LT, value); }
    public Assertion lte(double value) { return new Assertion(metric, Op.LTE, value); }
    public Assertion gt(double value) { return new Assertion(metric, Op.GT, value); }
    public Assertion gte(double value) { return new Assertion(metric, Op.GTE, value); }
    public Assertion eq(double value) { return new Assertion(metric, Op.EQ, value); }
    public Assertion lt(Duration value) { return lt(millis(value)); }
    public Assertion lte(Duration value) { return lte(millis(value)); }
    public Assertion gt(Duration value) { return gt(millis(value)); }
    public Assertion gte(Duration value) { return gte(millis(value)); }

    private double millis(Duration d) {
      if (!metric.isLatency()) {
        throw new IllegalArgumentException(metric.key() + " is not a latency: compare it with a number");
      }
      return d.toNanos() / 1e6;
    }
  }

  /** Whether it holds for {@code actual}; a metric without data (NaN, e.g. no latency measured) never holds. */
  public boolean holds(double actual) {
    return !Double.isNaN(actual) && op.holds(actual, expected);
  }

  /**
   * The value as the report writes it: {@code 8.1ms} for latencies, {@code 99.5} otherwise; without
   * data {@code none}, and {@code not measured} for stickiness (no reconnect could be classified).
   */
  public String format(double value) {
    if (Double.isNaN(value)) {
      return metric.isStickiness() ? "not measured" : "none";
    }
    String number = value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    return metric.isLatency() ? number + "ms" : number;
  }

  @Override
  public String toString() {
    return metric.key() + " " + op.key + " " + format(expected);
  }
}
