package io.mqttlb.loadtest;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A figure of a whole run that an {@link Assertion} can name, by the name simulations, the console,
 * {@code summary.json} and the compare report write ({@link #key()}, e.g. {@code connack.p99}).
 * Latencies are in milliseconds; the package comment defines each figure.
 */
public enum RunMetric {
  CONNACK_MIN(Latency.CONNACK, Stat.MIN),
  CONNACK_P50(Latency.CONNACK, Stat.P50),
  CONNACK_P95(Latency.CONNACK, Stat.P95),
  CONNACK_P99(Latency.CONNACK, Stat.P99),
  CONNACK_MAX(Latency.CONNACK, Stat.MAX),
  CONNACK_MEAN(Latency.CONNACK, Stat.MEAN),
  PUBLISH_TO_RECEIVE_MIN(Latency.PUBLISH_TO_RECEIVE, Stat.MIN),
  PUBLISH_TO_RECEIVE_P50(Latency.PUBLISH_TO_RECEIVE, Stat.P50),
  PUBLISH_TO_RECEIVE_P95(Latency.PUBLISH_TO_RECEIVE, Stat.P95),
  PUBLISH_TO_RECEIVE_P99(Latency.PUBLISH_TO_RECEIVE, Stat.P99),
  PUBLISH_TO_RECEIVE_MAX(Latency.PUBLISH_TO_RECEIVE, Stat.MAX),
  PUBLISH_TO_RECEIVE_MEAN(Latency.PUBLISH_TO_RECEIVE, Stat.MEAN),
  CONNECTS_TOTAL("connects.total"),
  CONNECTS_PER_SEC("connects.perSec"),
  MESSAGES_SENT("messages.sent"),
  MESSAGES_RECEIVED("messages.received"),
  MESSAGES_PER_SEC("messages.perSec"),
  MESSAGES_DUPLICATED("messages.duplicated"),
  FAILURES_TOTAL("failures.total"),
  FAILURES_PERCENT("failures.percent"),
  DELIVERY_LOST("delivery.lost"),
  STICKINESS_PERCENT("stickiness.percent"),
  STICKINESS_MOVED("stickiness.moved");

  /** The two measured latencies, by the prefix of their metrics' names. */
  private enum Latency {
    CONNACK("connack"),
    PUBLISH_TO_RECEIVE("publish-to-receive");

    private final String key;

    Latency(String key) {
      this.key = key;
    }
  }

  /** A statistic of a latency distribution, by the suffix of its metric's name and its field in summary.json. */
  public enum Stat {
    MIN("min"), P50("p50"), P95("p95"), P99("p99"), MAX("max"), MEAN("mean");

    private final String key;

    Stat(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }
  }

  private final String key;
  private final Latency latency;
  private final Stat stat;

  RunMetric(String key) {
    this.key = key;
    this.latency = null;
    this.stat = null;
  }

  RunMetric(Latency latency, Stat stat) {
    this.key = latency.key + "." + stat.key;
    this.latency = latency;
    this.stat = stat;
  }

  /** The name simulations and reports write. */
  public String key() {
    return key;
  }

  /** Whether the value is a latency in milliseconds (a simulation writes its limit as {@code 50ms}). */
  public boolean isLatency() {
    return latency != null;
  }

  /** The latency's statistic; null for the other metrics. */
  public Stat stat() {
    return stat;
  }

  /** Whether "no data" means that no reconnect could be classified, which reports call "not measured". */
  boolean isStickiness() {
    return this == STICKINESS_PERCENT || this == STICKINESS_MOVED;
  }

  /**
   * The metric named {@code key}, exactly as {@link #key()} writes it.
   *
   * @throws IllegalArgumentException naming the text and every valid name
   */
  public static RunMetric parse(String key) {
    for (RunMetric metric : values()) {
      if (metric.key.equals(key)) {
        return metric;
      }
    }
    throw new IllegalArgumentException("unknown metric " + (key == null ? "null" : "'" + key + "'")
        + "; expected one of " + Arrays.stream(values()).map(RunMetric::key).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return key;
  }
}
