package io.mqttlb.loadtest.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A realistic summary.json in the contract's shape: a reconnect storm of 500 persistent clients over
 * 3 brokers, 30 one-second samples (publish-to-receive starts after the first connects), 3 failures
 * and one failed assertion. Deterministic, so reports and screenshots are comparable between runs.
 */
final class SampleSummary {

  static final int SECONDS = 30;
  static final String[] BROKERS = {"b1", "b2", "b3"};

  private SampleSummary() {
  }

  static JsonObject reconnectStorm() {
    JsonArray series = new JsonArray();
    for (int i = 1; i <= SECONDS; i++) {
      double wave = Math.sin(i / 3.0);
      int active = Math.min(500, i * 50);
      boolean storm = i >= 15 && i <= 18;
      if (storm) {
        active = 500 - (18 - i) * 120;
      }
      JsonObject brokers = new JsonObject()
          .put("b1", active * 34 / 100)
          .put("b2", active * 32 / 100)
          .put("b3", active - active * 34 / 100 - active * 32 / 100);
      series.add(new JsonObject()
          .put("t", (double) i)
          .put("activeUsers", active)
          .put("connectsPerSec", i <= 10 ? 50.0 : storm ? 125.0 : 0.0)
          .put("messagesPerSec", i <= 2 ? 0.0 : 160.0 + 20 * wave)
          .put("errorsPerSec", i == 16 ? 2.0 : i == 17 ? 1.0 : 0.0)
          .put("connackP50", i <= 10 || storm ? 1.1 + 0.2 * wave : null)
          .put("connackP95", i <= 10 || storm ? 2.4 + 0.5 * wave + (storm ? 3 : 0) : null)
          .put("connackP99", i <= 10 || storm ? 3.1 + 0.8 * wave + (storm ? 9 : 0) : null)
          .put("p2rP50", i <= 2 ? null : 0.8 + 0.1 * wave)
          .put("p2rP95", i <= 2 ? null : 1.6 + 0.3 * wave)
          .put("p2rP99", i <= 2 ? null : 2.3 + 0.5 * wave)
          .put("brokers", brokers));
    }
    return new JsonObject()
        .put("simulation", "reconnect-storm")
        .put("description", "500 persistent clients drop and come back through another node")
        .put("startedAt", "2026-11-26T04:40:00Z")
        .put("durationMillis", 31_234)
        .put("targets", new JsonArray().add("127.0.0.1:1883").add("127.0.0.1:1884").add("127.0.0.1:1885"))
        .put("ok", false)
        .put("totals", new JsonObject()
            .put("users", 500).put("connects", 1000).put("connectsPerSec", 32.0)
            .put("messagesSent", 4480).put("messagesReceived", 4477).put("messagesPerSec", 143.4).put("messagesDuplicated", 3)
            .put("failures", 3).put("failuresPercent", 0.3).put("deliveryLost", 0))
        .put("latency", new JsonObject()
            .put("connack", latency(1000, 0.4, 1.2, 3.4, 12.1, 20.3, 1.5))
            .put("publishToReceive", latency(4477, 0.2, 0.8, 1.7, 2.6, 9.8, 0.9)))
        .put("failuresByCause", new JsonObject().put("connect-timeout", 2).put("connection-lost", 1))
        .put("stickiness", new JsonObject().put("method", "markers").put("tried", "markers")
            .put("reconnects", 500).put("sameBroker", 497).put("moved", 3).put("percent", 99.4).putNull("note"))
        .put("warnings", new JsonArray())
        .put("brokers", new JsonObject().put("b1", 170).put("b2", 160).put("b3", 170))
        .put("assertions", new JsonArray()
            .add(assertion("connack.p99", "lt", "50ms", "12.1ms", true))
            .add(assertion("failures.percent", "lte", "1", "0.3", true))
            .add(assertion("stickiness.percent", "gte", "99.9", "99.4", false))
            .add(assertion("delivery.lost", "eq", "0", "0", true)))
        .put("series", series);
  }

  /**
   * The storm with a soak's tier part: two nodes sampled every 10 s for 150 s, node 2's heap
   * growing 2 MiB a minute (a leak), everything else flat after warm-up; a drain and an enable.
   */
  static JsonObject soak() {
    JsonArray nodes = new JsonArray();
    for (int node = 1; node <= 2; node++) {
      JsonArray samples = new JsonArray();
      for (int t = 0; t <= 150; t += 10) {
        double warm = Math.min(1, t / 40.0);
        double heap = 20e6 + 10e6 * warm + (node == 2 ? t / 60.0 * 2 * 1024 * 1024 : 0);
        samples.add(new JsonObject().put("t", (double) t).put("heap", heap).put("direct", 1.4e6)
            .put("bufferDirect", 4194304.0).put("fds", 60 + 300 * warm).put("threads", 62 + 10 * warm)
            .put("eventLoopLag", 0.001 + 0.002 * Math.sin(t)));
      }
      JsonObject verdicts = new JsonObject();
      for (String key : new String[] {"heap", "direct", "bufferDirect", "fds", "threads", "eventLoopLag"}) {
        boolean leak = node == 2 && key.equals("heap");
        verdicts.put(key, new JsonObject().put("samples", 16).put("slopePerMinute", leak ? 2097152.0 : 0.0)
            .put("firstThirdMean", 25e6).put("lastThirdMean", leak ? 34e6 : 30e6).put("growthPercent", leak ? 36.0 : 0.0)
            .put("maxSlopePerMinute", 1048576.0).put("maxGrowthPercent", 10.0).put("judged", true).put("leak", leak));
      }
      nodes.add(new JsonObject().put("admin", "http://127.0.0.1:808" + node).put("samples", samples)
          .put("verdicts", verdicts).putNull("lastError"));
    }
    return reconnectStorm()
        .put("nodes", nodes)
        .put("operations", new JsonArray()
            .add(new JsonObject().put("at", 40.0).put("operation", "drain b2 at 20/s").put("node", "http://127.0.0.1:8081")
                .put("ok", true).put("answer", "202 {\"kind\":\"drain\",\"clients\":44}"))
            .add(new JsonObject().put("at", 70.0).put("operation", "enable b2").put("node", "http://127.0.0.1:8081")
                .put("ok", true).put("answer", "200 {\"enabled\":\"b2\"}")));
  }

  static JsonObject latency(long count, double min, double p50, double p95, double p99, double max, double mean) {
    return new JsonObject().put("count", count).put("min", min).put("p50", p50).put("p95", p95)
        .put("p99", p99).put("max", max).put("mean", mean);
  }

  static JsonObject assertion(String metric, String op, String expected, String actual, boolean ok) {
    return new JsonObject().put("metric", metric).put("op", op).put("expected", expected)
        .put("actual", actual).put("ok", ok);
  }
}
