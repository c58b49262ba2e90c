package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import io.mqttlb.cluster.HazelcastSetup;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ConfigLoader;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code mqttlb tier write}: the files it writes load as node configurations with what was asked; bad arguments are refused. */
class TierWriteCommandTest {
  private static final String BROKERS = "b1=127.0.0.1:1981,b2=127.0.0.1:1982,b3=127.0.0.1:1983";

  @Test
  void threeNodesGetTheirPortsTheBrokersTheModeAndOneHazelcastCluster(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("tier", "write", "--brokers", BROKERS, "--mqtt-ports", "21883,21884,21885",
        "--admin-ports", "28080", "--hazelcast-ports", "25701", "--mode", "table", "--cluster-name", "tier-test",
        "--out", dir.toString());
    assertEquals(Main.EXIT_OK, run.exitCode(), run::toString);

    List<String[]> summary = summary(run);
    assertEquals(3, summary.size(), run::toString);
    for (int i = 0; i < 3; i++) {
      Path nodeFile = dir.resolve("node-" + (i + 1) + ".yaml").toAbsolutePath();
      Path hazelcastFile = dir.resolve("hazelcast-" + (i + 1) + ".yaml").toAbsolutePath();
      assertEquals(List.of("lb-" + (i + 1), String.valueOf(21883 + i), String.valueOf(28080 + i),
          String.valueOf(25701 + i), nodeFile.toString()), List.of(summary.get(i)));

      NodeConfig node = ConfigLoader.load(nodeFile);
      assertEquals("lb-" + (i + 1), node.nodeId());
      assertEquals(21883 + i, node.listeners().get(0).port());
      assertEquals("127.0.0.1", node.listeners().get(0).host());
      assertEquals(28080 + i, node.admin().port());
      assertEquals("", node.admin().token());
      assertEquals(List.of(new BrokerConfig("b1", "127.0.0.1", 1981, 1), new BrokerConfig("b2", "127.0.0.1", 1982, 1),
          new BrokerConfig("b3", "127.0.0.1", 1983, 1)), node.brokers());
      assertEquals(RoutingMode.TABLE, node.routing().mode());
      assertEquals(hazelcastFile.toString(), node.cluster().hazelcastConfig());

      Config hazelcast = HazelcastSetup.read(hazelcastFile);
      assertEquals("tier-test", hazelcast.getClusterName());
      assertEquals(25701 + i, hazelcast.getNetworkConfig().getPort());
      assertEquals(List.of("127.0.0.1:25701", "127.0.0.1:25702", "127.0.0.1:25703"),
          hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    }
  }

  @Test
  void portZeroPicksDistinctFreePortsAndTheSummarySaysWhich(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("tier", "write", "--nodes", "2", "--brokers", "b1=127.0.0.1:1981",
        "--mqtt-ports", "0", "--admin-ports", "0,0", "--hazelcast-ports", "0", "--out", dir.toString());
    assertEquals(Main.EXIT_OK, run.exitCode(), run::toString);

    Set<Integer> ports = new HashSet<>();
    for (String[] line : summary(run)) {
      NodeConfig node = ConfigLoader.load(Path.of(line[4]));
      int mqtt = Integer.parseInt(line[1]);
      int admin = Integer.parseInt(line[2]);
      int hazelcast = Integer.parseInt(line[3]);
      assertEquals(mqtt, node.listeners().get(0).port());
      assertEquals(admin, node.admin().port());
      assertEquals(hazelcast, HazelcastSetup.read(Path.of(node.cluster().hazelcastConfig())).getNetworkConfig().getPort());
      for (int port : List.of(mqtt, admin, hazelcast)) {
        assertNotEquals(0, port);
        assertTrue(ports.add(port), "port " + port + " handed out twice: " + run);
      }
    }
    assertEquals(6, ports.size());
  }

  @Test
  void oneNodeIsStandaloneUnlessAskedToCluster(@TempDir Path dir) throws Exception {
    CliRun standalone = CliRun.of("tier", "write", "--nodes", "1", "--brokers", "b1=127.0.0.1:1981",
        "--mqtt-ports", "21883", "--admin-ports", "28080", "--out", dir.resolve("alone").toString());
    assertEquals(Main.EXIT_OK, standalone.exitCode(), standalone::toString);
    assertEquals("-", summary(standalone).get(0)[3]);
    assertFalse(ConfigLoader.load(dir.resolve("alone/node-1.yaml")).cluster().clustered());
    assertFalse(Files.exists(dir.resolve("alone/hazelcast-1.yaml")));

    CliRun clustered = CliRun.of("tier", "write", "--nodes", "1", "--cluster", "--brokers", "b1=127.0.0.1:1981",
        "--mqtt-ports", "21883", "--admin-ports", "28080", "--hazelcast-ports", "25701",
        "--out", dir.resolve("one-member").toString());
    assertEquals(Main.EXIT_OK, clustered.exitCode(), clustered::toString);
    NodeConfig node = ConfigLoader.load(dir.resolve("one-member/node-1.yaml"));
    assertEquals(List.of("127.0.0.1:25701"), HazelcastSetup.read(Path.of(node.cluster().hazelcastConfig()))
        .getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
  }

  /** The token stays out of the file: the node reads the variable when it starts. */
  @Test
  void theAdminTokenComesFromTheNamedVariableWhenTheNodeStarts(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("tier", "write", "--nodes", "1", "--brokers", "b1=127.0.0.1:1981",
        "--token-env", "TIER_TEST_TOKEN", "--out", dir.toString());
    assertEquals(Main.EXIT_OK, run.exitCode(), run::toString);
    Path file = dir.resolve("node-1.yaml");
    String text = Files.readString(file);
    assertFalse(text.contains("s3cret"));
    assertEquals("s3cret", ConfigLoader.parse(text, file.toString(), Map.of("TIER_TEST_TOKEN", "s3cret")).admin().token());
    assertEquals("", ConfigLoader.parse(text, file.toString(), Map.of()).admin().token());
  }

  /**
   * cluster-config/run-local-tier.sh starts its nodes from files this command writes; they are the
   * shipped, commented cluster-config/node-N.yaml but for where the Hazelcast file is.
   */
  @Test
  void theLocalTierScriptsNodesAreTheShippedNodeFiles(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("tier", "write", "--brokers", BROKERS, "--mode", "table", "--token-env", "MQTTLB_ADMIN_TOKEN",
        "--out", dir.toString());
    assertEquals(Main.EXIT_OK, run.exitCode(), run::toString);
    Map<String, String> env = Map.of("MQTTLB_ADMIN_TOKEN", "t");
    for (int n = 1; n <= 3; n++) {
      Path shippedFile = Path.of("cluster-config", "node-" + n + ".yaml");
      Path writtenFile = dir.resolve("node-" + n + ".yaml");
      NodeConfig shipped = ConfigLoader.parse(Files.readString(shippedFile), shippedFile.toString(), env);
      NodeConfig written = ConfigLoader.parse(Files.readString(writtenFile), writtenFile.toString(), env);
      assertEquals(shipped.withCluster(written.cluster()), written);
    }
  }

  static Stream<Arguments> badArguments() {
    return Stream.of(
        Arguments.of("--brokers", List.of("--brokers", "b1")),
        Arguments.of("--brokers", List.of("--brokers", "b1=127.0.0.1")),
        Arguments.of("--brokers", List.of("--brokers", "b1=127.0.0.1:1981,b1=127.0.0.1:1982")),
        Arguments.of("--brokers", List.of("--brokers", "b 1=127.0.0.1:1981")),
        Arguments.of("--nodes", List.of("--brokers", BROKERS, "--nodes", "0")),
        Arguments.of("--nodes", List.of("--brokers", BROKERS, "--nodes", "17")),
        Arguments.of("--mqtt-ports", List.of("--brokers", BROKERS, "--mqtt-ports", "1883,1884")),
        Arguments.of("--mqtt-ports", List.of("--brokers", BROKERS, "--mqtt-ports", "http")),
        Arguments.of("--admin-ports", List.of("--brokers", BROKERS, "--admin-ports", "70000")),
        Arguments.of("--admin-ports", List.of("--brokers", BROKERS, "--admin-ports", "65534")),
        Arguments.of("--admin-ports", List.of("--brokers", BROKERS, "--mqtt-ports", "9000", "--admin-ports", "9001")),
        Arguments.of("--mqtt-ports", List.of("--brokers", BROKERS, "--mqtt-ports", "1981")),
        Arguments.of("--hazelcast-ports", List.of("--brokers", BROKERS, "--nodes", "1", "--hazelcast-ports", "5701")),
        Arguments.of("--cluster-name", List.of("--brokers", BROKERS, "--nodes", "1", "--cluster-name", "x")),
        Arguments.of("--cluster-name", List.of("--brokers", BROKERS, "--cluster-name", "a b")),
        Arguments.of("--mode", List.of("--brokers", BROKERS, "--mode", "random")),
        Arguments.of("--token-env", List.of("--brokers", BROKERS, "--token-env", "1-TOKEN")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badArguments")
  void badArgumentsAreOneLineNamingTheOptionExitTwoAndWriteNothing(String option, List<String> args, @TempDir Path dir)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("tier", "write", "--out", dir.resolve("out").toString()));
    command.addAll(args);
    CliRun run = CliRun.of(command.toArray(String[]::new));
    assertEquals(Main.EXIT_USAGE, run.exitCode(), run::toString);
    assertEquals(1, run.err().lines().count(), run::toString);
    assertTrue(run.err().startsWith("mqttlb: tier write: " + option), run::toString);
    assertFalse(Files.exists(dir.resolve("out")), "nothing written: " + run);
  }

  private static List<String[]> summary(CliRun run) {
    return run.out().lines().map(line -> line.split(" ")).peek(fields -> assertEquals(5, fields.length, Arrays.toString(fields)))
        .toList();
  }
}
