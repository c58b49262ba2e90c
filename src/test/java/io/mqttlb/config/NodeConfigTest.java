package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeConfigTest {
  private static final BrokerConfig B1 = new BrokerConfig("b1", "127.0.0.1", 1884, 1);

  @Test
  void defaults() {
    NodeConfig d = NodeConfig.defaults();
    assertEquals("lb-1", d.nodeId());
    assertEquals(List.of(new ListenerConfig("tcp", "0.0.0.0", 1883)), d.listeners());
    assertEquals(new AdminConfig("127.0.0.1", 8080, ""), d.admin());
    assertEquals(List.of(), d.brokers());
    assertEquals(new RoutingConfig(RoutingMode.HASH, KeyField.CLIENT_ID, 160, Duration.ofMinutes(30), 1_000_000),
        d.routing());
    assertEquals(new HealthConfig(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 2), d.health());
    assertEquals(new LimitsConfig(Duration.ofSeconds(5), 65536, 200_000, Duration.ofSeconds(3)), d.limits());
    assertEquals(new ClusterConfig(null), d.cluster());
  }

  @Test
  void withersCopyAndChangeOneComponent() {
    NodeConfig d = NodeConfig.defaults();
    List<ListenerConfig> listeners = List.of(new ListenerConfig("x", "127.0.0.1", 0));
    AdminConfig admin = new AdminConfig("127.0.0.1", 0, "t");
    RoutingConfig routing = RoutingConfig.defaults().withMode(RoutingMode.TABLE);
    HealthConfig health = new HealthConfig(Duration.ofMillis(100), Duration.ofMillis(50), 1, 1);
    LimitsConfig limits = new LimitsConfig(Duration.ofSeconds(1), 16, 1, Duration.ofSeconds(1));
    ClusterConfig cluster = new ClusterConfig("hz.yaml");

    NodeConfig all = d.withNodeId("n").withListeners(listeners).withAdmin(admin).withBrokers(List.of(B1))
        .withRouting(routing).withHealth(health).withLimits(limits).withCluster(cluster);

    assertEquals(new NodeConfig("n", listeners, admin, List.of(B1), routing, health, limits, cluster), all);
    assertEquals(NodeConfig.defaults(), d, "the original is unchanged");
  }

  @Test
  void listsAreCopied() {
    List<BrokerConfig> brokers = new ArrayList<>(List.of(B1));
    NodeConfig config = NodeConfig.defaults().withBrokers(brokers);
    brokers.clear();
    assertEquals(List.of(B1), config.brokers());
    assertThrows(UnsupportedOperationException.class, () -> config.brokers().add(B1));
  }

  @Test
  void constructorsNameTheFieldAndTheValue() {
    assertMessage("weight must be between 1 and 1000, got 0", () -> new BrokerConfig("b1", "h", 1, 0));
    assertMessage("port must be between 1 and 65535, got 0", () -> new BrokerConfig("b1", "h", 0, 1));
    assertMessage("id must not be empty", () -> new BrokerConfig(" ", "h", 1, 1));
    assertMessage("id must be 1 to 64 letters, digits, '.', '_' or '-' starting with a letter or digit, got 'a/b'",
        () -> new BrokerConfig("a/b", "h", 1, 1));
    assertMessage("host must be a host name or IP address, got '[::1]'", () -> new BrokerConfig("b", "[::1]", 1, 1));
    assertMessage("port must be between 0 and 65535, got -1", () -> new ListenerConfig("tcp", "0.0.0.0", -1));
    assertMessage("name must be set", () -> new ListenerConfig(null, "0.0.0.0", 1));
    assertMessage("virtualNodes must be between 1 and 10000, got 0",
        () -> new RoutingConfig(RoutingMode.HASH, KeyField.CLIENT_ID, 0, Duration.ofMinutes(1), 1));
    assertMessage("stickyTtl must be a positive duration, got 0s",
        () -> new RoutingConfig(RoutingMode.HASH, KeyField.CLIENT_ID, 1, Duration.ZERO, 1));
    assertMessage("timeout must be a positive duration, got PT-1S",
        () -> new HealthConfig(Duration.ofSeconds(1), Duration.ofSeconds(-1), 1, 1));
    assertMessage("timeout must not exceed interval (1s), got 2s",
        () -> new HealthConfig(Duration.ofSeconds(1), Duration.ofSeconds(2), 1, 1));
    assertMessage("probe must be set",
        () -> new HealthConfig(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1, null));
    assertMessage("maxConnectBytes must be at least 16, got 8",
        () -> new LimitsConfig(Duration.ofSeconds(1), 8, 1, Duration.ofSeconds(1)));
    assertMessage("hazelcastConfig must not be empty", () -> new ClusterConfig(""));
    assertMessage("listeners must name at least one listener", () -> NodeConfig.defaults().withListeners(List.of()));
    assertMessage("brokers[1].id 'b1' is already the id of brokers[0]",
        () -> NodeConfig.defaults().withBrokers(List.of(B1, new BrokerConfig("b1", "h", 2, 1))));
    assertMessage("admin.port 1883 is already used by listeners[0]",
        () -> NodeConfig.defaults().withAdmin(new AdminConfig("127.0.0.1", 1883, "")));
  }

  @Test
  void ephemeralPortsNeverClash() {
    NodeConfig config = NodeConfig.defaults().withListeners(List.of(new ListenerConfig("a", "0.0.0.0", 0),
        new ListenerConfig("b", "0.0.0.0", 0))).withAdmin(new AdminConfig("127.0.0.1", 0, ""));
    assertEquals(2, config.listeners().size());
  }

  @Test
  void distinctHostsMayShareAPort() {
    NodeConfig config = NodeConfig.defaults().withListeners(List.of(new ListenerConfig("a", "127.0.0.1", 1883),
        new ListenerConfig("b", "10.0.0.1", 1883)));
    assertEquals(2, config.listeners().size());
  }

  @ParameterizedTest
  @CsvSource({
      "127.0.0.1:1884,        127.0.0.1,        1884, 127.0.0.1:1884",
      "broker-1.internal:1883, broker-1.internal, 1883, broker-1.internal:1883",
      "[::1]:1883,             ::1,              1883, [::1]:1883",
      "'  [fe80::1]:65535 ',   fe80::1,          65535, [fe80::1]:65535",
  })
  void brokerAddressRoundTrips(String address, String host, int port, String formatted) {
    BrokerConfig broker = BrokerConfig.of("b1", address, 2);
    assertEquals(new BrokerConfig("b1", host, port, 2), broker);
    assertEquals(formatted, broker.address());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "127.0.0.1       | '127.0.0.1' is not host:port (e.g. 127.0.0.1:1884)",
      ":1883           | ':1883' is not host:port (the host is missing)",
      "host:           | 'host:' is not host:port (the port is missing or not a number)",
      "host:http       | 'host:http' is not host:port (the port is missing or not a number)",
      "host:99999      | 'host:99999': port must be between 1 and 65535, got 99999",
      "::1             | '::1' is not host:port (write an IPv6 address in brackets, e.g. [::1]:1883)",
      "[::1]           | '[::1]' is not host:port (write an IPv6 address in brackets, e.g. [::1]:1883)",
      "tcp://h:1883    | 'tcp://h:1883' is not host:port (write it without a scheme, e.g. 127.0.0.1:1884)",
      "my host:1883    | 'my host:1883': host must be a host name or IP address, got 'my host'",
  })
  void badBrokerAddresses(String address, String problem) {
    assertMessage("address " + problem, () -> BrokerConfig.of("b1", address, 1));
  }

  @Test
  void adminTokenIsOptionalAndNeverPrinted() {
    AdminConfig none = new AdminConfig("127.0.0.1", 8080, null);
    assertEquals("", none.token());
    assertFalse(none.tokenRequired());
    AdminConfig secret = new AdminConfig("127.0.0.1", 8080, "s3cret");
    assertTrue(secret.tokenRequired());
    assertFalse(secret.toString().contains("s3cret"), secret::toString);
  }

  @Test
  void modesAndKeyFieldsParseTheirLabels() {
    for (RoutingMode mode : RoutingMode.values()) {
      assertEquals(mode, RoutingMode.parse(mode.label()));
      assertEquals(mode, RoutingMode.parse(" " + mode.label().toUpperCase() + " "));
    }
    for (KeyField field : KeyField.values()) {
      assertEquals(field, KeyField.parse(field.label()));
    }
    assertEquals("hash", RoutingMode.HASH.label());
    assertEquals("table", RoutingMode.TABLE.label());
    assertEquals("client-id", KeyField.CLIENT_ID.label());
    assertEquals("username", KeyField.USERNAME.label());
    assertEquals("certificate-cn", KeyField.CERTIFICATE_CN.label());
    assertMessage("unknown routing mode 'ring'; expected hash or table", () -> RoutingMode.parse("ring"));
    assertMessage("unknown routing key 'null'; expected client-id, username, certificate-cn", () -> KeyField.parse(null));
  }

  private static void assertMessage(String expected, Executable executable) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, executable).getMessage());
  }
}
