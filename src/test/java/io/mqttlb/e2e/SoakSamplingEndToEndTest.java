package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.loadtest.Injection;
import io.mqttlb.loadtest.LoadTest;
import io.mqttlb.loadtest.LoadTestOptions;
import io.mqttlb.loadtest.LoadTestResult;
import io.mqttlb.loadtest.Scenario;
import io.mqttlb.loadtest.Simulation;
import io.mqttlb.loadtest.Target;
import io.mqttlb.loadtest.soak.LeakAssertion;
import io.mqttlb.loadtest.soak.LeakDetector;
import io.mqttlb.loadtest.soak.NodeSeries;
import io.mqttlb.loadtest.soak.TierOperation;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The soak machinery against a real node and real Mosquittos, fast: every node series is read from
 * the node's own /metrics each second, a drain and an enable reach the node's admin API on time
 * and are answered, and a noLeak assertion is judged and reported.
 */
@EndToEnd
class SoakSamplingEndToEndTest {
  private static LocalTier tier;

  @BeforeAll
  static void startTier() throws Exception {
    tier = LocalTier.start(2);
  }

  @AfterAll
  static void stopTier() throws Exception {
    if (tier != null) {
      tier.close();
    }
  }

  private static Simulation churnFor(Duration duration) {
    return Simulation.simulation("soak-e2e")
        .markerTopic(MosquittoBroker.MARKER_TOPIC)
        .scenarios(Scenario.scenario("churn").protocol(5).clientIdPrefix("soak-e2e-")
            .connect(true, Duration.ZERO, Duration.ofSeconds(30))
            .subscribe("soak/${clientId}", 1)
            .publish("soak/${clientId}", 1, 32, 5, 20)
            .expect("soak/${clientId}", 5, Duration.ofSeconds(5))
            .disconnect()
            .inject(Injection.constantConcurrentUsers(10).during(duration)));
  }

  @Test
  void samplesEverySeriesRunsTheOperationsAndJudgesTheNoLeakAssertion() throws Exception {
    Simulation soak = churnFor(Duration.ofSeconds(8))
        .operations(new TierOperation.Drain(Duration.ofSeconds(2), "b2", 50),
            new TierOperation.Enable(Duration.ofSeconds(4), "b2"))
        .assertions(LeakAssertion.noLeak(NodeSeries.THREADS, 1000));
    URI admin = URI.create("http://127.0.0.1:" + tier.node.adminPort());
    LoadTestResult result = LoadTest.run(soak, new LoadTestOptions()
        .setTargets(List.of(Target.parse("127.0.0.1:" + tier.port())))
        .setNodesAdmin(List.of(admin))
        .setSampleInterval(Duration.ofSeconds(1)));
    JsonObject summary = result.summary();

    JsonArray operations = summary.getJsonArray("operations");
    assertEquals(List.of("drain b2 at 50/s", "enable b2"),
        operations.stream().map(o -> ((JsonObject) o).getString("operation")).toList());
    for (Object operation : operations) {
      assertTrue(((JsonObject) operation).getBoolean("ok"), operation.toString());
      assertEquals(admin.toString(), ((JsonObject) operation).getString("node"));
    }
    assertEquals(2.0, operations.getJsonObject(0).getDouble("at"), 1.0, "the drain ran on time: " + operations);

    JsonObject node = summary.getJsonArray("nodes").getJsonObject(0);
    JsonArray samples = node.getJsonArray("samples");
    assertTrue(samples.size() >= LeakDetector.MIN_SAMPLES, samples.encodePrettily());
    for (Object sample : samples) {
      for (NodeSeries series : NodeSeries.values()) {
        assertTrue(((JsonObject) sample).getValue(series.key) instanceof Number, series.key + " in " + sample);
      }
    }
    JsonObject threads = node.getJsonObject("verdicts").getJsonObject("threads");
    assertTrue(threads.getBoolean("judged") && !threads.getBoolean("leak"), threads.encode());
    JsonObject noLeak = summary.getJsonArray("assertions").stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("metric").equals("noLeak.threads")).findFirst().orElseThrow();
    assertTrue(noLeak.getBoolean("ok"), noLeak.encode());
    assertTrue(result.ok(), result.leakAssertions().toString());
  }

  @Test
  void operationsWithoutAdminUrlsAreRefusedBeforeTheRun() {
    Simulation soak = churnFor(Duration.ofSeconds(1)).operations(new TierOperation.Enable(Duration.ZERO, "b1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoadTest.run(soak,
        new LoadTestOptions().setTargets(List.of(Target.parse("127.0.0.1:" + tier.port())))));
    assertTrue(e.getMessage().contains("--nodes-admin"), e.getMessage());
  }
}
