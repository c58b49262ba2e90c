package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.EndToEnd;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer reads on the console of {@code mqttlb demo --nodes 3}: the demo's own lines and one
 * line of ours per membership change, not Hazelcast's member lists or its warning about the CP
 * Subsystem, which mqttlb does not use. The console is the product here, so its text is what is
 * checked.
 */
@EndToEnd
class DemoConsoleIT {
  private static final String ALL_MEMBERS = "members [lb-1, lb-2, lb-3]";

  @Test
  void threeNodesShowTheirMembershipInOurLinesAndNoHazelcastChatter() throws Exception {
    try (JarProcess demo = JarProcess.start("demo", "--nodes", "3", "--port", "0", "--admin-port", "0",
        "--duration", "120s")) {
      // Each node's last membership line names all three, however the starts interleaved.
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline && !(everyNodeSeesAll(demo.stderr()) && demo.stdout().contains("Ctrl-C"))) {
        assertTrue(demo.isAlive(), "demo exited: " + demo.stderr());
        Thread.sleep(100);
      }
      assertTrue(everyNodeSeesAll(demo.stderr()) && demo.stdout().contains("Ctrl-C"),
          "each node says it is in a tier of three; stderr:\n" + demo.stderr());
      demo.terminate();
      assertEquals(143, demo.waitFor(60), "SIGTERM exit; stderr: " + demo.stderr());

      String console = demo.stderr() + demo.stdout();
      assertFalse(console.contains("Members {size"), "no Hazelcast member list:\n" + console);
      assertFalse(console.contains("CP Subsystem"), "no CP Subsystem warning:\n" + console);
    }
  }

  private static boolean everyNodeSeesAll(String stderr) {
    List<String> lines = stderr.lines().toList();
    for (String node : List.of("lb-1", "lb-2", "lb-3")) {
      if (lines.stream().noneMatch(l -> l.contains("node " + node + " ") && l.endsWith(ALL_MEMBERS))) {
        return false;
      }
    }
    return true;
  }
}
