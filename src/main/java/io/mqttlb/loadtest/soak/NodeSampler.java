package io.mqttlb.loadtest.soak;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The resource samples of one node: each {@link #sample} reads its {@code /metrics} once and keeps
 * every {@link NodeSeries}' value at that time (NaN when the node did not answer or lacks the
 * metric). Called from one sampling thread; {@link #series} and {@link #toJson} after sampling stops.
 */
final class NodeSampler {
  private final URI admin;
  private final AdminHttp http;
  private final List<Double> times = new ArrayList<>();
  private final Map<NodeSeries, List<Double>> values = new EnumMap<>(NodeSeries.class);
  private String lastError;

  NodeSampler(URI admin, AdminHttp http) {
    this.admin = admin;
    this.http = http;
    for (NodeSeries series : NodeSeries.values()) {
      values.put(series, new ArrayList<>());
    }
  }

  URI admin() {
    return admin;
  }

  /** Reads the node's metrics now, as the sample of second {@code t} of the run. */
  void sample(double t) throws InterruptedException {
    String text = "";
    try {
      AdminHttp.Reply reply = http.get(admin, "/metrics");
      if (reply.status() == 200) {
        text = reply.body();
      } else {
        lastError = "/metrics answered " + reply.status();
      }
    } catch (java.io.IOException e) {
      lastError = "/metrics: " + e;
    }
    times.add(t);
    for (NodeSeries series : NodeSeries.values()) {
      values.get(series).add(series.read(text));
    }
  }

  List<LeakDetector.Point> series(NodeSeries series) {
    List<Double> v = values.get(series);
    List<LeakDetector.Point> points = new ArrayList<>(times.size());
    for (int i = 0; i < times.size(); i++) {
      points.add(new LeakDetector.Point(times.get(i), v.get(i)));
    }
    return points;
  }

  /** {@code {"admin", "samples": [{"t", "heap", ...}], "lastError"}}; a missing value is null. */
  JsonObject toJson() {
    JsonArray samples = new JsonArray();
    for (int i = 0; i < times.size(); i++) {
      JsonObject sample = new JsonObject().put("t", times.get(i));
      for (NodeSeries series : NodeSeries.values()) {
        double value = values.get(series).get(i);
        sample.put(series.key, Double.isNaN(value) ? null : value);
      }
      samples.add(sample);
    }
    return new JsonObject().put("admin", admin.toString()).put("samples", samples).put("lastError", lastError);
  }
}
