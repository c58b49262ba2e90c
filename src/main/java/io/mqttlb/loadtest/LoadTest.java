package io.mqttlb.loadtest;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.mqttlb.loadtest.report.HtmlReport;
import io.mqttlb.loadtest.soak.SoakMonitor;
import io.mqttlb.loadtest.soak.SoakResult;
import io.reactivex.schedulers.Schedulers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Runs a {@link Simulation}: injects each scenario's users on schedule (scenarios in parallel, a
 * scenario's profiles one after another), samples the statistics every second (a console line every
 * fifth), and ends by itself when every user has finished after the injection, or when the drain
 * timeout after the injection has passed (users still running are ended and counted as
 * {@code unfinished}). Users are spread round-robin over the targets by their number.
 *
 * <pre>
 *   LoadTestResult result = LoadTest.run(simulation, new LoadTestOptions().setConsole(System.out::println));
 *   result.writeSummary(dir.resolve("summary.json"));
 * </pre>
 */
public final class LoadTest implements RunContext {
  private static final Duration DISCONNECT_WAIT = Duration.ofSeconds(5);
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Simulation simulation;
  private final LoadTestOptions options;
  private final List<Target> targets;
  /** By target index: how users reach each target. */
  private final List<MqttClientTransportConfig> transports;
  private final RunStats stats = new RunStats();
  private final ConnectionEvents connectionEvents = new ConnectionEvents();
  private final SoakMonitor monitor;
  private final ConnectGate gate;
  private final ScheduledThreadPoolExecutor pool;
  private final MqttClientExecutorConfig clientExecutors;
  private final Set<CompletableFuture<?>> closing = ConcurrentHashMap.newKeySet();
  private final Set<VirtualUser> running = ConcurrentHashMap.newKeySet();
  private final AtomicLong openStartsPending = new AtomicLong();
  private final AtomicInteger engineErrors = new AtomicInteger();
  private final long originNanos = System.nanoTime();
  private final long originEpochMicros = Instant.now().toEpochMilli() * 1000;
  private volatile boolean stopping;

  private LoadTest(Simulation simulation, LoadTestOptions options) {
    this.simulation = simulation;
    this.options = options;
    List<String> texts = simulation.targets();
    this.targets = options.getTargets() != null ? options.getTargets() : texts.stream().map(Target::parse).toList();
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no targets: give --targets or list targets in the simulation");
    }
    MqttClientSslConfig tls = tls(simulation, options);
    this.transports = targets.stream().map(t -> ClientTransports.of(t, tls, options.getConnectTimeout())).toList();
    if (simulation.scenarios().isEmpty()) {
      throw new IllegalArgumentException("simulation " + simulation.name() + " has no scenarios");
    }
    this.gate = new ConnectGate(options.getMaxConnectsInFlight());
    this.monitor = new SoakMonitor(options.getNodesAdmin(), options.getAdminToken(), simulation.operations(),
        simulation.leakAssertions(), options.getDurationScale(), options.getConsole());
    ThreadFactory threads = new ThreadFactory() {
      private final AtomicInteger count = new AtomicInteger();

      @Override
      public Thread newThread(Runnable r) {
        Thread t = new Thread(r, "loadtest-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
      }
    };
    this.pool = new ScheduledThreadPoolExecutor(Math.max(2, Runtime.getRuntime().availableProcessors()), threads);
    this.pool.setRemoveOnCancelPolicy(true);
    // One configuration object for all clients: they share HiveMQ's Netty event loops and our pool.
    this.clientExecutors = MqttClientExecutorConfig.builder().applicationScheduler(Schedulers.from(pool)).build();
  }

  /**
   * Runs the simulation to its end (see the class comment) and checks its assertions.
   *
   * @throws IllegalArgumentException when there are no targets or no scenarios
   * @throws IllegalStateException when a broker of {@link LoadTestOptions#setBrokers} cannot take its marker
   */
  public static LoadTestResult run(Simulation simulation, LoadTestOptions options) throws InterruptedException {
    LoadTest run = new LoadTest(simulation, options);
    ConnectionEventMonitor monitor = null;
    try {
      StickinessMethod method = options.getStickiness();
      if (method == StickinessMethod.MARKERS && simulation.markerTopic() != null && !options.getBrokers().isEmpty()) {
        publishMarkers(options.getBrokers(), simulation.markerTopic(), options.getConnectTimeout(), tls(simulation, options));
      }
      if (method == StickinessMethod.CONNECTION_EVENTS) {
        Map<String, Target> sources = options.getBrokers().isEmpty() ? Map.of("0", run.targets.get(0)) : options.getBrokers();
        monitor = ConnectionEventMonitor.start(sources, run.connectionEvents, tls(simulation, options), options.getConnectTimeout());
      }
      return run.execute();
    } finally {
      if (monitor != null) {
        monitor.close();
      }
      run.pool.shutdownNow();
    }
  }

  /** The TLS settings of TLS targets: the options' CA file, else the simulation's, else the JVM's trust. */
  private static MqttClientSslConfig tls(Simulation simulation, LoadTestOptions options) {
    if (options.getCaFile() != null) {
      return ClientTransports.tls(options.getCaFile());
    }
    return ClientTransports.tls(simulation.caFile() == null ? null : Path.of(simulation.caFile()));
  }

  /** Writes {@code summary.json} and {@code index.html} into {@code dir}. */
  public static void writeReport(LoadTestResult result, Path dir) throws IOException {
    Path summary = dir.resolve("summary.json");
    result.writeSummary(summary);
    HtmlReport.write(summary, dir.resolve("index.html"));
  }

  /** Publishes each broker's retained marker (its id) on {@code topic}, connecting to each directly. */
  public static void publishMarkers(Map<String, Target> brokers, String topic, Duration timeout) {
    publishMarkers(brokers, topic, timeout, ClientTransports.tls(null));
  }

  /** As the other {@code publishMarkers}, with these TLS settings for brokers reached over TLS. */
  static void publishMarkers(Map<String, Target> brokers, String topic, Duration timeout, MqttClientSslConfig tls) {
    brokers.forEach((id, address) -> {
      Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier("mqttlb-marker-" + id)
          .transportConfig(ClientTransports.of(address, tls, timeout)).buildAsync();
      try {
        client.connect()
            .thenCompose(ack -> client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(id.getBytes(StandardCharsets.UTF_8)).send())
            .thenCompose(sent -> client.disconnect())
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        client.disconnect();
        throw new IllegalStateException("cannot publish the marker of broker " + id + " at " + address + ": "
            + (e.getCause() != null ? e.getCause() : e), e);
      } 
    });
  }

  private LoadTestResult execute() throws InterruptedException {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    monitor.start(start, options.getSampleInterval());
    long injectionEnd = start;
    for (Scenario scenario : simulation.scenarios()) {
      injectionEnd = Math.max(injectionEnd, inject(scenario, start));
    }
    Consumer<String> console = options.getConsole();
    // Its own thread, so that a pool busy with a connect storm does not delay the samples.
    ScheduledExecutorService sampling = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadtest-sampler");
      t.setDaemon(true);
      return t;
    });
    var sampler = sampling.scheduleAtFixedRate(() -> {
      String line = stats.tick((System.nanoTime() - start) / 1e9);
      if (line != null && console != null) {
        console.accept(line);
      }
    }, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    long drainDeadline = injectionEnd + options.getDrainTimeout().toNanos();
    while (true) {
      long now = System.nanoTime();
      boolean injected = now >= injectionEnd && openStartsPending.get() == 0;
      if (now >= injectionEnd) {
        monitor.endSampling();
      }
      if (injected && running.isEmpty()) {
        break;
      }
      if (now >= drainDeadline) {
        break;
      }
      Thread.sleep(50);
    }
    stopping = true;
    for (VirtualUser user : List.copyOf(running)) {
      user.abort();
    }
    long abortDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!running.isEmpty() && System.nanoTime() < abortDeadline) {
      Thread.sleep(20);
    }
    long end = System.nanoTime();
    sampler.cancel(false);
    sampling.shutdown();
    stats.tick((end - start) / 1e9); // the last, partial second, so that the totals hold everything
    SoakResult soak = monitor.stop();
    VirtualUser.settle(new ArrayList<>(closing), DISCONNECT_WAIT).join();
    return result(startedAt, (end - start) / 1_000_000, soak);
  }

  /** Schedules a scenario's users; returns when its injection ends (nanoTime). */
  private long inject(Scenario scenario, long start) {
    List<Step> steps = VirtualUser.flatten(scenario.steps());
    AtomicInteger numbers = new AtomicInteger();
    long base = start;
    for (Injection profile : scenario.injection()) {
      if (profile instanceof Injection.ConstantConcurrent closed) {
        long from = base;
        long until = from + scaled(closed.during().toNanos());
        openStartsPending.incrementAndGet();
        pool.schedule(() -> {
          for (int i = 0; i < closed.users(); i++) {
            startClosed(scenario, steps, numbers, until);
          }
          openStartsPending.decrementAndGet();
        }, Math.max(0, from - System.nanoTime()), TimeUnit.NANOSECONDS);
      } else {
        for (long offset : profile.startOffsetsMillis()) {
          long at = base + scaled(TimeUnit.MILLISECONDS.toNanos(offset));
          openStartsPending.incrementAndGet();
          pool.schedule(() -> {
            if (!stopping) {
              startUser(scenario, steps, numbers.getAndIncrement(), () -> { });
            }
            openStartsPending.decrementAndGet();
          }, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
      }
      base += scaled(profile.duration().toNanos());
    }
    return base;
  }

  /** Closed model: a user whose finish starts the next one, as long as the profile lasts. */
  private void startClosed(Scenario scenario, List<Step> steps, AtomicInteger numbers, long until) {
    if (stopping || System.nanoTime() >= until) {
      return;
    }
    startUser(scenario, steps, numbers.getAndIncrement(), () -> pool.execute(() -> startClosed(scenario, steps, numbers, until)));
  }

  private void startUser(Scenario scenario, List<Step> steps, int number, Runnable then) {
    VirtualUser[] self = new VirtualUser[1];
    self[0] = new VirtualUser(this, scenario, steps, number, () -> {
      running.remove(self[0]);
      then.run();
    });
    running.add(self[0]);
    self[0].start();
  }

  private LoadTestResult result(Instant startedAt, long durationMillis, SoakResult soak) {
    double seconds = Math.max(durationMillis, 1) / 1000.0;
    Histogram connack = stats.connackTotal();
    Histogram p2r = stats.publishToReceiveTotal();
    long connects = stats.connects.sum();
    long sent = stats.messagesSent.sum();
    long received = stats.messagesReceived.sum();
    long failures = stats.failures.sum();
    long operations = stats.operations();
    long reconnects = stats.reconnects.sum();
    long same = stats.sameBroker.sum();
    double failuresPercent = operations == 0 ? 0 : RunStats.round(100.0 * failures / operations);
    double stickiness = RunStats.round(stats.stickinessPercent());
    boolean stickinessMeasured = !Double.isNaN(stickiness);

    Map<RunMetric, Double> metrics = new EnumMap<>(RunMetric.class);
    for (RunMetric metric : RunMetric.values()) {
      // No default: a metric added to RunMetric does not compile until it has a value here.
      metrics.put(metric, switch (metric) {
        case CONNACK_MIN, CONNACK_P50, CONNACK_P95, CONNACK_P99, CONNACK_MAX, CONNACK_MEAN ->
            latency(connack, metric.stat());
        case PUBLISH_TO_RECEIVE_MIN, PUBLISH_TO_RECEIVE_P50, PUBLISH_TO_RECEIVE_P95, PUBLISH_TO_RECEIVE_P99,
            PUBLISH_TO_RECEIVE_MAX, PUBLISH_TO_RECEIVE_MEAN -> latency(p2r, metric.stat());
        case CONNECTS_TOTAL -> (double) connects;
        case CONNECTS_PER_SEC -> RunStats.round(connects / seconds);
        case MESSAGES_SENT -> (double) sent;
        case MESSAGES_RECEIVED -> (double) received;
        case MESSAGES_PER_SEC -> RunStats.round(received / seconds);
        case MESSAGES_DUPLICATED -> (double) stats.messagesDuplicated.sum();
        case FAILURES_TOTAL -> (double) failures;
        case FAILURES_PERCENT -> failuresPercent;
        case DELIVERY_LOST -> (double) stats.deliveryLost.sum();
        case STICKINESS_PERCENT -> stickiness;
        case STICKINESS_MOVED -> stickinessMeasured ? (double) (reconnects - same) : Double.NaN;
      });
    }

    List<AssertionResult> checked = new ArrayList<>();
    for (Assertion assertion : simulation.assertions()) {
      double actual = metrics.get(assertion.metric());
      checked.add(new AssertionResult(assertion, actual, assertion.holds(actual)));
    }
    boolean ok = checked.stream().allMatch(AssertionResult::ok) && soak.leaks().stream().allMatch(SoakResult.LeakResult::ok);

    JsonObject summary = new JsonObject()
        .put("simulation", simulation.name())
        .put("description", simulation.description())
        .put("startedAt", startedAt.toString())
        .put("durationMillis", durationMillis)
        .put("targets", new JsonArray(targets.stream().map(Target::toString).toList()))
        .put("ok", ok)
        .put("totals", new JsonObject()
            .put("users", stats.usersStarted.sum())
            .put("connects", connects)
            .put("connectsPerSec", metrics.get(RunMetric.CONNECTS_PER_SEC))
            .put("messagesSent", sent)
            .put("messagesReceived", received)
            .put("messagesPerSec", metrics.get(RunMetric.MESSAGES_PER_SEC))
            .put("messagesDuplicated", stats.messagesDuplicated.sum())
            .put("failures", failures)
            .put("failuresPercent", failuresPercent)
            .put("deliveryLost", stats.deliveryLost.sum()))
        .put("latency", new JsonObject()
            .put("connack", latencyJson(connack))
            .put("publishToReceive", latencyJson(p2r)))
        .put("failuresByCause", new JsonObject(new LinkedHashMap<>(stats.failuresByCause())))
        .put("stickiness", new JsonObject()
            .put("method", stickinessMeasured ? options.getStickiness().key : null)
            .put("tried", options.getStickiness().key)
            .put("reconnects", reconnects)
            .put("sameBroker", same)
            .put("moved", stickinessMeasured ? reconnects - same : null)
            .put("percent", stickinessMeasured ? stickiness : null)
            .put("note", stickinessMeasured ? null : notMeasured()))
        .put("warnings", new JsonArray(stats.warnings()))
        .put("brokers", new JsonObject(new LinkedHashMap<>(stats.usersPerBroker())));
    JsonArray assertions = new JsonArray();
    for (AssertionResult r : checked) {
      assertions.add(new JsonObject()
          .put("metric", r.assertion().metric().key())
          .put("op", r.assertion().op().key)
          .put("expected", r.expectedText())
          .put("actual", r.actualText())
          .put("ok", r.ok()));
    }
    for (SoakResult.LeakResult r : soak.leaks()) {
      assertions.add(new JsonObject()
          .put("metric", "noLeak." + r.assertion().series().key)
          .put("op", "noLeak")
          .put("expected", r.assertion().expectedText())
          .put("actual", r.actual())
          .put("ok", r.ok()));
    }
    summary.put("assertions", assertions);
    summary.put("series", new JsonArray(stats.series()));
    summary.put("nodes", soak.nodes());
    summary.put("operations", soak.operations());
    return new LoadTestResult(summary, metrics, checked, soak.leaks());
  }

  /** Why no reconnect could be classified by the run's method. */
  private String notMeasured() {
    boolean reconnected = stats.connects.sum() > stats.usersStarted.sum();
    return switch (options.getStickiness()) {
      case MARKERS -> simulation.markerTopic() == null ? "no marker topic"
          : stats.brokerUnnamed && !stats.brokerNamed ? "no broker held a marker (publish them with --brokers)"
          : reconnected ? "no reconnect whose broker and previous broker were both known" : "nobody reconnected";
      case SESSION_PRESENT -> reconnected
          ? "no reconnect resumed a session the previous connection left (persistent session: clean session 0,"
            + " MQTT 5 session expiry above 0; reconnect with clean session 0)"
          : "nobody reconnected";
      case CONNECTION_EVENTS -> stats.brokerUnnamed && !stats.brokerNamed
          ? "no connection event came (the brokers publish none to the event monitor)"
          : reconnected ? "no reconnect whose broker and previous broker both sent a connection event" : "nobody reconnected";
    };
  }

  /** A latency statistic in milliseconds; NaN when nothing was measured. */
  private static double latency(Histogram h, RunMetric.Stat stat) {
    if (h.getTotalCount() == 0) {
      return Double.NaN;
    }
    return switch (stat) {
      case MIN -> RunStats.round(h.getMinValue() / 1000.0);
      case P50 -> RunStats.percentile(h, 50);
      case P95 -> RunStats.percentile(h, 95);
      case P99 -> RunStats.percentile(h, 99);
      case MAX -> RunStats.round(h.getMaxValue() / 1000.0);
      case MEAN -> RunStats.round(h.getMean() / 1000.0);
    };
  }

  private static JsonObject latencyJson(Histogram h) {
    JsonObject json = new JsonObject().put("count", h.getTotalCount());
    for (RunMetric.Stat stat : RunMetric.Stat.values()) {
      double value = latency(h, stat);
      json.put(stat.key(), Double.isNaN(value) ? null : value);
    }
    return json;
  }

  // RunContext

  @Override
  public List<Target> targets() {
    return targets;
  }

  @Override
  public String markerTopic() {
    return simulation.markerTopic();
  }

  @Override
  public Duration markerWait() {
    return options.getMarkerWait();
  }

  @Override
  public StickinessMethod stickiness() {
    return options.getStickiness();
  }

  @Override
  public ConnectionEvents connectionEvents() {
    return connectionEvents;
  }

  @Override
  public void warn(String text) {
    if (stats.warnOnce(text) && options.getConsole() != null) {
      options.getConsole().accept("warning: " + text);
    }
  }

  @Override
  public MqttClientTransportConfig transport(int index) {
    return transports.get(index);
  }

  @Override
  public RunStats stats() {
    return stats;
  }

  @Override
  public ConnectGate gate() {
    return gate;
  }

  @Override
  public ScheduledExecutorService pool() {
    return pool;
  }

  @Override
  public MqttClientExecutorConfig clientExecutors() {
    return clientExecutors;
  }

  @Override
  public long nowMicros() {
    return originEpochMicros + (System.nanoTime() - originNanos) / 1000;
  }

  @Override
  public long scaled(long nanos) {
    return Math.round(nanos * options.getDurationScale());
  }

  @Override
  public void scheduleNanos(long nanos, Runnable task) {
    try {
      pool.schedule(task, nanos, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException ended) {
      // the run is over
    }
  }

  @Override
  public void track(CompletableFuture<?> future) {
    closing.add(future);
    future.whenComplete((v, e) -> closing.remove(future));
  }

  @Override
  public void engineError(String clientId, Throwable error) {
    if (engineErrors.incrementAndGet() <= 3) {
      System.err.println("loadtest: internal error in user " + clientId + ": " + error);
      error.printStackTrace();
    }
  }
}
