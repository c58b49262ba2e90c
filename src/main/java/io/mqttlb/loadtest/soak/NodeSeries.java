package io.mqttlb.loadtest.soak;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The resource series a soak samples from each node's {@code /metrics}, by the short name a
 * simulation's {@code noLeak} assertion uses. Values are in the metric's unit: bytes, a count, or
 * seconds.
 */
public enum NodeSeries {
  /** Heap in use right after the last garbage collection: what survives, not the sawtooth of garbage. */
  HEAP("heap", "mqttlb_heap_after_gc_bytes", Map.of(), 4 * 1024 * 1024),
  /** The JVM's direct byte buffers (NIO and Netty's unpooled direct buffers). */
  DIRECT("direct", "jvm_buffer_memory_used_bytes", Map.of("id", "direct"), 256 * 1024),
  /** Direct memory held by the data plane's pooled buffer allocator. */
  BUFFER_DIRECT("bufferDirect", "mqttlb_buffer_memory_bytes", Map.of("area", "direct"), 1024 * 1024),
  /** Open file descriptors: each relayed client holds two sockets. */
  FDS("fds", "process_files_open_files", Map.of(), 20),
  THREADS("threads", "jvm_threads_live_threads", Map.of(), 6),
  /** How late a task ran on the most delayed event loop, recently. */
  EVENT_LOOP_LAG("eventLoopLag", "mqttlb_event_loop_lag_seconds", Map.of(), 0.01);

  public final String key;
  final String metric;
  final Map<String, String> labels;
  /**
   * The slope limit per minute the report judges this series by when no {@code noLeak} assertion
   * names it: above what a steady node drifts (for the heap, the promotion of garbage between full
   * collections), below what a leak per connect costs at a few dozen connects a second.
   */
  public final double defaultMaxSlopePerMinute;

  NodeSeries(String key, String metric, Map<String, String> labels, double defaultMaxSlopePerMinute) {
    this.key = key;
    this.metric = metric;
    this.labels = labels;
    this.defaultMaxSlopePerMinute = defaultMaxSlopePerMinute;
  }

  /** This series' value in a scrape; NaN when the metric is absent. */
  public double read(String prometheusText) {
    return PrometheusText.sum(prometheusText, metric, labels);
  }

  /**
   * The series named {@code key} (e.g. {@code heap}).
   *
   * @throws IllegalArgumentException naming the text and every valid name
   */
  public static NodeSeries parse(String key) {
    for (NodeSeries series : values()) {
      if (series.key.equals(key)) {
        return series;
      }
    }
    throw new IllegalArgumentException("unknown series " + (key == null ? "null" : "'" + key + "'")
        + "; expected one of " + Arrays.stream(values()).map(s -> s.key).collect(Collectors.joining(", ")));
  }

  /** {@code 512 KiB}, {@code 3.2 MiB}, {@code 12}, {@code 0.004 s}: a value in this series' unit. */
  public String format(double value) {
    if (Double.isNaN(value)) {
      return "none";
    }
    if (bytes()) {
      double abs = Math.abs(value);
      return abs >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", value / (1 << 20))
          : String.format(Locale.ROOT, "%.1f KiB", value / 1024);
    }
    if (this == EVENT_LOOP_LAG) {
      return String.format(Locale.ROOT, "%.4f s", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** Whether values are bytes (reports print them in KiB/MiB). */
  public boolean bytes() {
    return this == HEAP || this == DIRECT || this == BUFFER_DIRECT;
  }
}
