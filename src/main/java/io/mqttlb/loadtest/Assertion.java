package io.mqttlb.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A condition on one metric of the whole run, checked at the end: {@code metric("connack.p99").lt(Duration.ofMillis(50))}.
 * Latency metrics compare in milliseconds; the others are plain numbers.
 */
public record Assertion(String metric, Op op, double expected) {

  public enum Op {
    LT("lt"), LTE("lte"), GT("gt"), GTE("gte"), EQ("eq");

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

    public static Op of(String key) {
      for (Op op : values()) {
        if (op.key.equals(key)) {
          return op;
        }
      }
      return null;
    }
  }

  static final List<String> LATENCY_STATS = List.of("min", "p50", "p95", "p99", "max", "mean");
  static final List<String> PLAIN_METRICS = List.of("connects.total", "connects.perSec", "messages.sent",
      "messages.received", "messages.perSec", "messages.duplicated", "failures.total", "failures.percent", "delivery.lost",
      "stickiness.percent", "stickiness.moved");

  public Assertion {
    requireKnown(metric);
    Objects.requireNonNull(op, "op");
    if (Double.isNaN(expected)) {
      throw new IllegalArgumentException("expected must be a number");
    }
  }

  /** Every metric an assertion can name. */
  public static List<String> metrics() {
    List<String> all = new java.util.ArrayList<>();
    for (String prefix : List.of("connack.", "publish-to-receive.")) {
      LATENCY_STATS.forEach(s -> all.add(prefix + s));
    }
    all.addAll(PLAIN_METRICS);
    return all;
  }

  public static boolean isLatency(String metric) {
    return metric.startsWith("connack.") || metric.startsWith("publish-to-receive.");
  }

  public static Staged metric(String metric) {
    requireKnown(metric);
    return new Staged(metric);
  }

  /** The second half of {@code metric(m).lt(x)}. */
  public record Staged(String metric) {
    public Assertion lt(double value) { return new Assertion(metric, Op.LT, value); }
    public Assertion lte(double value) { return new Assertion(metric, Op.LTE, value); }
    public Assertion gt(double value) { return new Assertion(metric, Op.GT, value); }
    public Assertion gte(double value) { return new Assertion(metric, Op.GTE, value); }
    public Assertion eq(double value) { return new Assertion(metric, Op.EQ, value); }
    public Assertion lt(Duration value) { return lt(millis(value)); }
    public Assertion lte(Duration value) { return lte(millis(value)); }
    public Assertion gt(Duration value) { return gt(millis(value)); }
    public Assertion gte(Duration value) { return gte(millis(value)); }
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
      return metric.startsWith("stickiness.") ? "not measured" : "none";
    }
    String number = value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    return isLatency(metric) ? number + "ms" : number;
  }

  @Override
  public String toString() {
    return metric + " " + op.key + " " + format(expected);
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  private static void requireKnown(String metric) {
    if (metric == null || !metrics().contains(metric)) {
      throw new IllegalArgumentException("unknown metric " + (metric == null ? "null" : "\"" + metric + "\"")
          + "; expected one of " + String.join(", ", metrics()));
    }
  }
}
