package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqttlb node} with a configuration that must not start: a usage error, nothing started. */
class NodeCommandTest {
  @Test
  void anAdminApiOnEveryAddressWithoutATokenIsAUsageError(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("node.yaml"), """
        listeners:
          - {name: tcp, host: 127.0.0.1, port: 0}
        admin: {host: 0.0.0.0, port: 0}
        brokers:
          - {id: b1, address: 127.0.0.1:1884}
        """);
    assertEquals(Main.EXIT_USAGE, CliRun.of("node", "--config", config.toString()).exitCode());
  }

  /** Checked before the node starts, like the rest of the configuration: exit 2, not a failed start (1). */
  @Test
  void aHazelcastFileThatCannotBeReadIsAUsageError(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("node.yaml"), """
        listeners:
          - {name: tcp, host: 127.0.0.1, port: 0}
        admin: {host: 127.0.0.1, port: 0}
        cluster:
          hazelcastConfig: %s
        """.formatted(dir.resolve("absent-hazelcast.yaml")));
    assertEquals(Main.EXIT_USAGE, CliRun.of("node", "--config", config.toString()).exitCode());
  }
}
