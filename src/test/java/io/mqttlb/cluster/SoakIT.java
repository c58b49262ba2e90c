package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.loadtest.LoadTest;
import io.mqttlb.loadtest.LoadTestOptions;
import io.mqttlb.loadtest.LoadTestResult;
import io.mqttlb.loadtest.Simulation;
import io.mqttlb.loadtest.Target;
import io.mqttlb.loadtest.soak.LeakDetector;
import io.mqttlb.loadtest.soak.NodeSeries;
import io.mqttlb.loadtest.soak.SoakResult;
import io.mqttlb.testing.EndToEnd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped soak ({@code loadtest/soak.yaml}) against the three-node tier and three Mosquittos,
 * shortened by {@code --duration-scale}: churn and persistent QoS 1 sessions while the tier drains
 * b2, enables it and rebalances, every node's resources sampled every 10 s. It fails when a node
 * leaks by the simulation's noLeak assertions, when an operation is refused, or when a series went
 * unmeasured.
 *
 * <p>{@code -Dsoak.scale=1} runs the full 30 minutes ({@code mvn verify -Dit.test=SoakIT
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dsoak.scale=1}); the report lands in
 * {@code target/soak-it/} or {@code -Dsoak.report=DIR}.
 */
@EndToEnd
class SoakIT {
  /** 30 minutes × 1/12: two and a half minutes, fifteen samples per node. */
  static final double DEFAULT_SCALE = 1 / 12.0;
  static ClusterTier tier;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTier() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults());
  }

  @AfterAll
  static void stopTier() {
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  void theSoakLeavesNoNodeGrowingWhileClientsChurnAndTheTierDrainsEnablesAndRebalances() throws Exception {
    Simulation soak = Simulation.fromYaml(Path.of("loadtest", "soak.yaml"));
    double scale = Double.parseDouble(System.getProperty("soak.scale", Double.toString(DEFAULT_SCALE)));
    List<URI> admins = IntStream.rangeClosed(1, ClusterTier.NODES).mapToObj(n -> URI.create(tier.adminUrl(n))).toList();
    LoadTestOptions options = new LoadTestOptions()
        .setTargets(tier.nodePorts().stream().map(port -> Target.parse("127.0.0.1:" + port)).toList())
        .setNodesAdmin(admins)
        .setAdminToken(tier.options().token())
        .setDurationScale(scale)
        .setConsole(line -> System.err.println("SoakIT " + line));

    LoadTestResult result = LoadTest.run(soak, options);
    Path report = Path.of(System.getProperty("soak.report", "target/soak-it"));
    LoadTest.writeReport(result, report);
    JsonObject summary = result.summary();
    for (SoakResult.LeakResult leak : result.leakAssertions()) {
      System.err.println("SoakIT " + leak);
    }
    System.err.println("SoakIT report: " + report.toAbsolutePath().resolve("index.html"));

    assertTrue(summary.getJsonObject("totals").getLong("connects") > 0, "users connected: " + summary.getJsonObject("totals"));
    JsonArray operations = summary.getJsonArray("operations");
    assertEquals(soak.operations().size(), operations.size(), "every tier operation ran: " + operations);
    for (int i = 0; i < operations.size(); i++) {
      assertTrue(operations.getJsonObject(i).getBoolean("ok"), "the tier accepted " + operations.getJsonObject(i));
    }
    JsonArray nodes = summary.getJsonArray("nodes");
    assertEquals(ClusterTier.NODES, nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject node = nodes.getJsonObject(i);
      for (NodeSeries series : NodeSeries.values()) {
        JsonObject verdict = node.getJsonObject("verdicts").getJsonObject(series.key);
        assertTrue(verdict.getInteger("samples") >= LeakDetector.MIN_SAMPLES,
            node.getString("admin") + " " + series.key + " was measured: " + verdict + " " + node.getString("lastError"));
      }
    }
    assertTrue(result.ok(), "no leak and every assertion held: " + result.leakAssertions() + " " + result.assertions());
  }
}
