package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.ClusterConfig;
import io.mqttlb.config.ConfigException;
import io.mqttlb.config.NodeConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast file is checked before a node starts, and a bad one is a configuration error of the
 * usual form: the node's file, {@code cluster.hazelcastConfig}, the problem, on one line.
 */
class HazelcastSetupCheckTest {
  private static final String NODE_FILE = "node.yaml";

  @Test
  void aMissingFileIsNamedWithItsAbsolutePath() {
    ConfigException e = assertThrows(ConfigException.class, () -> check("no/such/hazelcast.yaml"));
    assertEquals(NODE_FILE, e.file());
    assertEquals("cluster.hazelcastConfig", e.key());
    assertEquals("no such file " + Path.of("no/such/hazelcast.yaml").toAbsolutePath(), e.problem());
  }

  @Test
  void aFileThatIsNotAHazelcastConfigurationIsOneLineNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> check("pom.xml"));
    assertEquals("cluster.hazelcastConfig", e.key());
    assertTrue(e.problem().startsWith("not a Hazelcast configuration: pom.xml: "), e.problem());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void theShippedFilePasses() throws ConfigException {
    check("cluster-config/hazelcast.yaml");
  }

  @Test
  void aStandaloneNodeHasNoFileToCheck() throws ConfigException {
    HazelcastSetup.check(NodeConfig.defaults().withCluster(ClusterConfig.standalone()), NODE_FILE);
  }

  private static void check(String hazelcastFile) throws ConfigException {
    HazelcastSetup.check(NodeConfig.defaults().withCluster(new ClusterConfig(hazelcastFile)), NODE_FILE);
  }
}
