package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.ConfigLoader;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.testing.EndToEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SMOKE=1 loadtest/compare.sh} with the packaged jar: it starts three Mosquittos (bridged),
 * a three-node tier written by {@code mqttlb tier write} and HAProxy, checks that every address of
 * every target hands a client to a broker, restarts the brokers and HAProxy as between runs, checks
 * again and stops. This keeps the script, scripts/lib.sh and tier write working together; it runs
 * no simulation. Needs mosquitto, mosquitto-clients, haproxy, curl and python3 (.ci/run installs them).
 */
@EndToEnd
class CompareSmokeIT {
  /** One probe line: a target, then each of its addresses with the broker a client reached there. */
  private static final Pattern PROBE = Pattern.compile("^compare: (direct|mqttlb|haproxy) +(.*)$", Pattern.MULTILINE);
  private static final Pattern LANDED = Pattern.compile("127\\.0\\.0\\.1:(\\d+)→(b\\d)");

  @Test
  void everyTargetAnswersAndTheScriptStopsExactlyWhatItStarted(@TempDir Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("mqttlb.jar", "target/mqttlb.jar")).toAbsolutePath();
    assertTrue(Files.exists(jar), jar + " is missing: run 'mvn verify' (the jar is built in the package phase)");
    // The script's temporary directory goes under this one, so that its processes can be told by
    // their command lines (each names a file in it) and its removal can be seen.
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path out = dir.resolve("out");
    Path log = dir.resolve("compare.log");
    ProcessBuilder builder = new ProcessBuilder("bash", "loadtest/compare.sh", "connect-storm", "1", out.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("SMOKE", "1", "JAR", jar.toString(), "TMPDIR", tmp.toString()));
    Process script = builder.start();
    try {
      assertTrue(script.waitFor(240, TimeUnit.SECONDS), "compare.sh still running after 240 s:\n" + Files.readString(log));
    } finally {
      stop(script);
    }
    String output = Files.readString(log);
    assertEquals(0, script.exitValue(), output);

    // Twice each target (before and after the restart): the brokers directly are three brokers;
    // through either balancer one client id lands on one broker whichever address it uses.
    Matcher probe = PROBE.matcher(output);
    int lines = 0;
    while (probe.find()) {
      lines++;
      Set<String> brokers = new TreeSet<>();
      Matcher landed = LANDED.matcher(probe.group(2));
      int addresses = 0;
      while (landed.find()) {
        addresses++;
        brokers.add(landed.group(2));
      }
      assertEquals(3, addresses, probe.group());
      assertEquals(probe.group(1).equals("direct") ? 3 : 1, brokers.size(), probe.group());
    }
    assertEquals(6, lines, output);

    // The tier it ran, as kept in OUT/setup: three nodes in hash mode in front of the three brokers.
    for (int n = 1; n <= 3; n++) {
      NodeConfig node = ConfigLoader.load(out.resolve("setup/node-" + n + ".yaml"));
      assertEquals("lb-" + n, node.nodeId());
      assertEquals(RoutingMode.HASH, node.routing().mode());
      assertEquals(List.of("b1", "b2", "b3"), node.brokers().stream().map(b -> b.id()).toList());
    }

    List<ProcessHandle> left = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.contains(tmp.toString())).orElse(false))
        .toList();
    List<String> described = left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
    left.forEach(ProcessHandle::destroyForcibly); // the test leaves nothing behind either way
    assertEquals(List.of(), described, "processes of compare.sh still running");
    try (var files = Files.list(tmp)) {
      assertEquals(List.of(), files.map(Path::toString).collect(Collectors.toList()), "its temporary directory is removed");
    }
  }

  /** A script still running is asked to stop (its trap stops what it started), then killed with its children. */
  private static void stop(Process script) throws InterruptedException {
    if (!script.isAlive()) {
      return;
    }
    List<ProcessHandle> children = script.descendants().toList();
    script.destroy();
    if (!script.waitFor(30, TimeUnit.SECONDS)) {
      script.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
