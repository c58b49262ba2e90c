package io.mqttlb.loadtest.soak;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What a load test does to and learns from the tier itself, beside its users: samples every node's
 * resources at a fixed interval ({@link NodeSampler}) and runs the simulation's
 * {@link TierOperation}s on time through the admin API. Sampling and operations have a thread each,
 * so a slow admin call never shifts a sample. {@link #stop} takes a last sample and judges the series.
 */
public final class SoakMonitor {
  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(10);

  private final List<URI> admins;
  private final AdminHttp http;
  private final List<NodeSampler> nodes = new ArrayList<>();
  private final List<TierOperation> operations;
  private final List<LeakAssertion> leakAssertions;
  private final double durationScale;
  private final Consumer<String> console;
  private final List<JsonObject> operationResults = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService sampling = daemon("loadtest-node-sampler");
  private final ScheduledExecutorService operating = daemon("loadtest-tier-operations");
  private long originNanos;

  /**
   * @param admins the nodes' admin API base URLs (sampled; operations go to the first that answers)
   * @param durationScale multiplies each operation's time, as the run's other durations
   * @throws IllegalArgumentException when there are operations or leak assertions but no admin URL
   */
  public SoakMonitor(List<URI> admins, String token, List<TierOperation> operations, List<LeakAssertion> leakAssertions,
                     double durationScale, Consumer<String> console) {
    if (admins.isEmpty() && !(operations.isEmpty() && leakAssertions.isEmpty())) {
      throw new IllegalArgumentException("the simulation has tier operations or noLeak assertions: give the nodes'"
          + " admin URLs (--nodes-admin http://host:port,...)");
    }
    this.admins = List.copyOf(admins);
    this.http = new AdminHttp(token);
    this.operations = List.copyOf(operations);
    this.leakAssertions = List.copyOf(leakAssertions);
    this.durationScale = durationScale;
    this.console = console;
    for (URI admin : admins) {
      nodes.add(new NodeSampler(admin, http));
    }
  }

  /** Samples now and every {@code interval}; schedules the operations from {@code originNanos}. */
  public void start(long originNanos, Duration interval) {
    this.originNanos = originNanos;
    if (!nodes.isEmpty()) {
      sampling.scheduleAtFixedRate(this::sampleAll, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }
    for (TierOperation operation : operations) {
      long at = originNanos + (long) (operation.at().toNanos() * durationScale);
      operating.schedule(() -> run(operation), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Takes the last sample and stops sampling: called when the injection ends, so the users leaving
   * afterwards do not lower the last third and hide growth. Idempotent.
   */
  public void endSampling() throws InterruptedException {
    if (sampling.isShutdown()) {
      return;
    }
    sampling.shutdown();
    sampling.awaitTermination(4 * AdminHttp.TIMEOUT.toSeconds() * Math.max(1, nodes.size()), TimeUnit.SECONDS);
    if (!nodes.isEmpty()) {
      sampleAllNow();
    }
  }

  /** Ends sampling if still on, cancels the operations not yet run, and judges every series. */
  public SoakResult stop() throws InterruptedException {
    operating.shutdownNow();
    endSampling();
    List<SoakResult.LeakResult> leakResults = new ArrayList<>();
    JsonArray nodesJson = new JsonArray();
    for (NodeSampler node : nodes) {
      JsonObject verdicts = new JsonObject();
      for (NodeSeries series : NodeSeries.values()) {
        LeakAssertion limits = leakAssertions.stream().filter(a -> a.series() == series).findFirst()
            .orElse(LeakAssertion.noLeak(series, series.defaultMaxSlopePerMinute));
        LeakDetector.Verdict verdict = LeakDetector.judge(node.series(series), limits.maxSlopePerMinute(),
            limits.maxGrowthPercent());
        verdicts.put(series.key, verdictJson(verdict, limits));
      }
      nodesJson.add(node.toJson().put("verdicts", verdicts));
    }
    for (LeakAssertion assertion : leakAssertions) {
      List<String> findings = new ArrayList<>();
      boolean ok = true;
      for (NodeSampler node : nodes) {
        LeakDetector.Verdict verdict = LeakDetector.judge(node.series(assertion.series()),
            assertion.maxSlopePerMinute(), assertion.maxGrowthPercent());
        ok &= verdict.judged() && !verdict.leak();
        findings.add(node.admin().getAuthority() + " " + describe(assertion.series(), verdict));
      }
      leakResults.add(new SoakResult.LeakResult(assertion, String.join("; ", findings), ok));
    }
    return new SoakResult(nodesJson, new JsonArray(new ArrayList<>(operationResults)), leakResults);
  }

  private void sampleAll() {
    try {
      sampleAllNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // One bad scrape must not end the sampling: the NaNs it leaves are skipped by the detector.
    }
  }

  private void sampleAllNow() throws InterruptedException {
    double t = seconds();
    for (NodeSampler node : nodes) {
      node.sample(t);
    }
  }

  private void run(TierOperation operation) {
    double t = seconds();
    JsonObject result = new JsonObject().put("at", Math.round(t * 10) / 10.0).put("operation", operation.describe());
    String outcome = "no admin API answered";
    boolean ok = false;
    for (URI admin : admins) {
      try {
        AdminHttp.Reply reply = http.post(admin, operation.path(), operation.body());
        ok = reply.status() / 100 == 2;
        outcome = reply.status() + " " + reply.body().strip();
        result.put("node", admin.toString());
        break;
      } catch (IOException e) {
        outcome = admin + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    operationResults.add(result.put("ok", ok).put("answer", outcome));
    if (console != null) {
      console.accept(String.format(Locale.ROOT, "[%4.0fs] tier: %s -> %s", t, operation.describe(), outcome));
    }
  }

  private double seconds() {
    return Math.round((System.nanoTime() - originNanos) / 1e8) / 10.0;
  }

  private static JsonObject verdictJson(LeakDetector.Verdict v, LeakAssertion limits) {
    return new JsonObject()
        .put("samples", v.samples())
        .put("slopePerMinute", number(v.slopePerMinute()))
        .put("firstThirdMean", number(v.firstThirdMean()))
        .put("lastThirdMean", number(v.lastThirdMean()))
        .put("growthPercent", number(v.growthPercent()))
        .put("maxSlopePerMinute", limits.maxSlopePerMinute())
        .put("maxGrowthPercent", limits.maxGrowthPercent())
        .put("judged", v.judged())
        .put("leak", v.leak());
  }

  /** {@code 12.0 KiB/min, +3.1 %}, or why it was not judged. */
  static String describe(NodeSeries series, LeakDetector.Verdict v) {
    if (!v.judged()) {
      return "only " + v.samples() + " samples (need " + LeakDetector.MIN_SAMPLES + ")";
    }
    return series.format(v.slopePerMinute()) + "/min, " + String.format(Locale.ROOT, "%+.1f %%", v.growthPercent())
        + (v.leak() ? " LEAK" : "");
  }

  private static Object number(double value) {
    return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
  }

  private static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
