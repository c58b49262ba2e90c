package io.mqttlb.loadtest;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a run measures. Users record from any thread (HdrHistogram {@link Recorder}s, adders);
 * {@link #tick} (synchronized) moves each second's interval histograms into the totals, which are read after the last tick.
 * Latencies are recorded in microseconds and reported in milliseconds.
 */
final class RunStats {
  private static final long HIGHEST_MICROS = 3_600_000_000L;

  final Recorder connack = new Recorder(HIGHEST_MICROS, 3);
  final Recorder publishToReceive = new Recorder(HIGHEST_MICROS, 3);
  private final Histogram connackTotal = new Histogram(HIGHEST_MICROS, 3);
  private final Histogram p2rTotal = new Histogram(HIGHEST_MICROS, 3);

  final LongAdder connectAttempts = new LongAdder();
  final LongAdder connects = new LongAdder();
  final LongAdder publishAttempts = new LongAdder();
  final LongAdder messagesSent = new LongAdder();
  final LongAdder messagesReceived = new LongAdder();
  final LongAdder messagesDuplicated = new LongAdder();
  private final AtomicLong messageIds = new AtomicLong();
  final LongAdder expects = new LongAdder();
  final LongAdder subscribes = new LongAdder();
  final LongAdder deliveryLost = new LongAdder();
  final LongAdder failures = new LongAdder();
  /** Reconnects whose broker could be compared with the previous connection's; the others are not counted. */
  final LongAdder reconnects = new LongAdder();
  final LongAdder sameBroker = new LongAdder();
  /** Whether any marker or connection event ever named a broker. */
  volatile boolean brokerNamed;
  /** Whether a connect waited for its marker or connection event in vain. */
  volatile boolean brokerUnnamed;
  private final java.util.Set<String> warnings = new java.util.LinkedHashSet<>();
  final LongAdder usersStarted = new LongAdder();
  final AtomicInteger activeUsers = new AtomicInteger();
  private final Map<String, LongAdder> failuresByCause = new ConcurrentHashMap<>();
  /** Users connected to each broker now, as told by the marker. */
  private final Map<String, AtomicInteger> connectedPerBroker = new ConcurrentHashMap<>();
  /** Each finished user counted once, at the broker of its last connection. */
  private final Map<String, LongAdder> lastBrokerOfUsers = new ConcurrentHashMap<>();

  private final List<JsonObject> series = new ArrayList<>();
  private final Window window = new Window();
  private long lastConnects;
  private long lastReceived;
  private long lastFailures;
  private Histogram connackInterval;
  private Histogram p2rInterval;

  /** A message id unique in the run, written after the send time into every payload. */
  long nextMessageId() {
    return messageIds.incrementAndGet();
  }

  void failure(String cause) {
    failures.increment();
    failuresByCause.computeIfAbsent(cause, c -> new LongAdder()).increment();
  }

  /** A reconnect told sticky ({@code same}) or moved. */
  void reconnectClassified(boolean same) {
    reconnects.increment();
    if (same) {
      sameBroker.increment();
    }
  }

  /** Keeps a warning once; true the first time it is given. */
  synchronized boolean warnOnce(String text) {
    return warnings.add(text);
  }

  synchronized List<String> warnings() {
    return new ArrayList<>(warnings);
  }

  void brokerConnected(String broker) {
    connectedPerBroker.computeIfAbsent(broker, b -> new AtomicInteger()).incrementAndGet();
  }

  void brokerDisconnected(String broker) {
    connectedPerBroker.computeIfAbsent(broker, b -> new AtomicInteger()).decrementAndGet();
  }

  void userFinished(String lastBroker) {
    if (lastBroker != null) {
      lastBrokerOfUsers.computeIfAbsent(lastBroker, b -> new LongAdder()).increment();
    }
  }

  /** Samples the last second into the series; every fifth call also returns the console line. */
  synchronized String tick(double secondsSinceStart) {
    connackInterval = connack.getIntervalHistogram(connackInterval);
    p2rInterval = publishToReceive.getIntervalHistogram(p2rInterval);
    connackTotal.add(connackInterval);
    p2rTotal.add(p2rInterval);
    long connectsNow = connects.sum();
    long receivedNow = messagesReceived.sum();
    long failuresNow = failures.sum();
    JsonObject sample = new JsonObject()
        .put("t", Math.round(secondsSinceStart * 10) / 10.0)
        .put("activeUsers", activeUsers.get())
        .put("connectsPerSec", connectsNow - lastConnects)
        .put("messagesPerSec", receivedNow - lastReceived)
        .put("errorsPerSec", failuresNow - lastFailures)
        .put("connackP50", percentile(connackInterval, 50))
        .put("connackP95", percentile(connackInterval, 95))
        .put("connackP99", percentile(connackInterval, 99))
        .put("p2rP50", percentile(p2rInterval, 50))
        .put("p2rP95", percentile(p2rInterval, 95))
        .put("p2rP99", percentile(p2rInterval, 99))
        .put("brokers", brokersNow());
    series.add(sample);
    window.add(connackInterval, p2rInterval, connectsNow - lastConnects, receivedNow - lastReceived);
    lastConnects = connectsNow;
    lastReceived = receivedNow;
    lastFailures = failuresNow;
    if (window.seconds < 5) {
      return null;
    }
    String line = String.format(Locale.ROOT,
        "[%4ds] users %d active | connects %.1f/s | msgs %.1f/s | connack p99 %s ms | p2r p99 %s ms | errors %d | sticky %s",
        Math.round(secondsSinceStart), activeUsers.get(), window.connects / (double) window.seconds,
        window.received / (double) window.seconds, millisText(window.connack), millisText(window.p2r),
        failuresNow, stickinessText(stickinessPercent()));
    window.reset();
    return line;
  }

  private JsonObject brokersNow() {
    JsonObject brokers = new JsonObject();
    new TreeMap<>(connectedPerBroker).forEach((id, count) -> brokers.put(id, count.get()));
    return brokers;
  }

  /** NaN while no reconnect could be classified: nothing was measured, which is not 100%. */
  double stickinessPercent() {
    long total = reconnects.sum();
    return total == 0 ? Double.NaN : 100.0 * sameBroker.sum() / total;
  }

  /** {@code 99.5%}, or {@code –} when not measured. */
  static String stickinessText(double percent) {
    return Double.isNaN(percent) ? "–" : String.format(Locale.ROOT, "%.1f%%", percent);
  }

  synchronized List<Object> series() {
    return new ArrayList<>(series);
  }

  Histogram connackTotal() {
    return connackTotal;
  }

  Histogram publishToReceiveTotal() {
    return p2rTotal;
  }

  Map<String, Long> failuresByCause() {
    Map<String, Long> sorted = new TreeMap<>();
    failuresByCause.forEach((cause, count) -> sorted.put(cause, count.sum()));
    return sorted;
  }

  Map<String, Long> usersPerBroker() {
    Map<String, Long> sorted = new TreeMap<>();
    lastBrokerOfUsers.forEach((broker, count) -> sorted.put(broker, count.sum()));
    return sorted;
  }

  /** Operations that can fail: connect attempts, publishes, subscribes and expects. */
  long operations() {
    return connectAttempts.sum() + publishAttempts.sum() + subscribes.sum() + expects.sum();
  }

  static Double percentile(Histogram h, double p) {
    return h.getTotalCount() == 0 ? null : round(h.getValueAtPercentile(p) / 1000.0);
  }

  /** Three decimals; NaN stays NaN. */
  static double round(double millis) {
    return Double.isNaN(millis) ? millis : Math.round(millis * 1000) / 1000.0;
  }

  private static String millisText(Histogram h) {
    return h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(99) / 1000.0);
  }

  /** The last five seconds, for the console line. */
  private static final class Window {
    final Histogram connack = new Histogram(HIGHEST_MICROS, 3);
    final Histogram p2r = new Histogram(HIGHEST_MICROS, 3);
    long connects;
    long received;
    int seconds;

    void add(Histogram connackSecond, Histogram p2rSecond, long connectsSecond, long receivedSecond) {
      connack.add(connackSecond);
      p2r.add(p2rSecond);
      connects += connectsSecond;
      received += receivedSecond;
      seconds++;
    }

    void reset() {
      connack.reset();
      p2r.reset();
      connects = 0;
      received = 0;
      seconds = 0;
    }
  }
}
