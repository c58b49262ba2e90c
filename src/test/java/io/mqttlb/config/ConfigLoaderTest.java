package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  private static final String FILE = "node.yaml";
  private static final Path EXAMPLE_FILE = Path.of("cluster-config", "example-node.yaml");

  /** Every key of the configuration, as docs/configuration.md writes them. */
  private static final String FULL_EXAMPLE = """
      node:
        id: lb-1                       # unique per node
      listeners:                       # one or more
        - name: tcp
          host: 0.0.0.0
          port: 1883
          # websocket: { path: /mqtt } # MQTT over WebSocket on this listener
          # tls: { certPath: cert.pem, keyPath: key.pem }
          # acceptProxyProtocol: false # accept a PROXY v1/v2 header from an upstream L4 balancer
      admin:
        host: 127.0.0.1
        port: 8080
        token: ${MQTTLB_ADMIN_TOKEN:-}  # when set, every /api call needs "Authorization: Bearer <token>"
      brokers:                         # the seed set; later changes go through the admin API
        - id: b1
          address: 127.0.0.1:1884
          weight: 1
          # sendProxyProtocol: none    # none | v1 | v2
      routing:
        mode: hash                     # hash | table
        key: client-id                 # client-id | username
        virtualNodes: 160
        table:
          stickyTtl: 30m
          maxEntries: 1000000
      health:
        interval: 2s
        timeout: 1s
        rise: 2
        fall: 2
      limits:
        connectTimeout: 5s             # a client must complete its CONNECT within this
        maxConnectBytes: 65536
        maxConnections: 200000
        backendConnectTimeout: 3s
      cluster:
        hazelcastConfig: cluster-config/hazelcast.yaml   # omit to run standalone
      """;
  private static final String CLUSTER_SECTION =
      "cluster:\n  hazelcastConfig: cluster-config/hazelcast.yaml   # omit to run standalone\n";

  /** The smallest valid file. */
  private static final String BROKER = """
      brokers:
        - id: b1
          address: 127.0.0.1:1884
      """;

  private static final BrokerConfig B1 = new BrokerConfig("b1", "127.0.0.1", 1884, 1);

  private static NodeConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, FILE, Map.of());
  }

  @Test
  void designExampleParsesToItsValuesWhenStandalone() throws ConfigException {
    String standalone = FULL_EXAMPLE.replace(CLUSTER_SECTION, "");
    assertFalse(standalone.contains("cluster:"), "the test must remove the cluster section");

    NodeConfig config = parse(standalone);

    assertEquals(new NodeConfig("lb-1",
        List.of(new ListenerConfig("tcp", "0.0.0.0", 1883)),
        new AdminConfig("127.0.0.1", 8080, ""),
        List.of(B1),
        new RoutingConfig(RoutingMode.HASH, KeyField.CLIENT_ID, 160, Duration.ofMinutes(30), 1_000_000),
        new HealthConfig(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 2),
        new LimitsConfig(Duration.ofSeconds(5), 65536, 200_000, Duration.ofSeconds(3)),
        new ClusterConfig(null)), config);
    // Every value in the example is also the default.
    assertEquals(NodeConfig.defaults().withBrokers(List.of(B1)), config);
  }

  @Test
  void designExampleAsWrittenJoinsAClusterWithTheShippedHazelcastFile() throws ConfigException {
    NodeConfig config = parse(FULL_EXAMPLE);
    assertTrue(config.cluster().clustered());
    assertEquals("cluster-config/hazelcast.yaml", config.cluster().hazelcastConfig());
  }

  @Test
  void tableModeIsAccepted() throws ConfigException {
    assertEquals(RoutingMode.TABLE, parse(BROKER + "routing:\n  mode: table\n").routing().mode());
  }

  @Test
  void cleanSessionsAreRoutedByTheRingUnlessLeastLoadedIsAskedFor() throws ConfigException {
    assertEquals(CleanSessionRouting.RING, parse(BROKER).routing().cleanSessions());
    assertEquals(CleanSessionRouting.RING, parse(BROKER + "routing:\n  cleanSessions: ring\n").routing().cleanSessions());
    assertEquals(CleanSessionRouting.LEAST_LOADED,
        parse(BROKER + "routing:\n  cleanSessions: Least-Loaded\n").routing().cleanSessions());
  }

  @Test
  void designExampleTakesTheAdminTokenFromTheEnvironment() throws ConfigException {
    String standalone = FULL_EXAMPLE.replace(CLUSTER_SECTION, "");
    AdminConfig admin = ConfigLoader.parse(standalone, FILE, Map.of("MQTTLB_ADMIN_TOKEN", "s3cret")).admin();
    assertEquals("s3cret", admin.token());
    assertTrue(admin.tokenRequired());
  }

  @Test
  void minimalFileGetsTheDefaults() throws ConfigException {
    NodeConfig config = parse(BROKER);

    assertEquals(NodeConfig.defaults().withBrokers(List.of(B1)), config);
    assertEquals("lb-1", config.nodeId());
    assertEquals(List.of(new ListenerConfig("tcp", "0.0.0.0", 1883)), config.listeners());
    assertEquals(new AdminConfig("127.0.0.1", 8080, ""), config.admin());
    assertFalse(config.admin().tokenRequired());
    assertEquals(RoutingConfig.defaults(), config.routing());
    assertEquals(HealthConfig.defaults(), config.health());
    assertEquals(LimitsConfig.defaults(), config.limits());
    assertFalse(config.cluster().clustered());
  }

  @Test
  void emptySectionsTakeTheDefaults() throws ConfigException {
    NodeConfig config = parse(BROKER + "node:\nadmin:\nrouting:\n  table:\nhealth: ~\nlimits: {}\ncluster:\n");
    assertEquals(NodeConfig.defaults().withBrokers(List.of(B1)), config);
  }

  @Test
  void readsEveryKeyThatDiffersFromItsDefault() throws ConfigException {
    NodeConfig config = parse("""
        node: {id: edge-7.eu}
        listeners:
          - {name: public, port: 0}
          - {name: local, host: 127.0.0.1, port: 11883, acceptProxyProtocol: false}
        admin: {host: 0.0.0.0, port: 9090, token: abc}
        brokers:
          - {id: b1, address: "broker-1.internal:1883", weight: 3, sendProxyProtocol: none}
          - {id: b2, address: "[::1]:1884"}
        routing:
          key: username
          virtualNodes: 10_000
          table: {stickyTtl: 2h, maxEntries: 5000000000}
        health: {interval: 500ms, timeout: 250ms, rise: 1, fall: 5, probe: TCP}
        limits: {connectTimeout: 10s, maxConnectBytes: 16, maxConnections: 1, backendConnectTimeout: 1d}
        """);
    assertEquals(new NodeConfig("edge-7.eu",
        List.of(new ListenerConfig("public", "0.0.0.0", 0), new ListenerConfig("local", "127.0.0.1", 11883)),
        new AdminConfig("0.0.0.0", 9090, "abc"),
        List.of(new BrokerConfig("b1", "broker-1.internal", 1883, 3), new BrokerConfig("b2", "::1", 1884, 1)),
        new RoutingConfig(RoutingMode.HASH, KeyField.USERNAME, 10_000, Duration.ofHours(2), 5_000_000_000L),
        new HealthConfig(Duration.ofMillis(500), Duration.ofMillis(250), 1, 5, HealthProbeKind.TCP),
        new LimitsConfig(Duration.ofSeconds(10), 16, 1, Duration.ofDays(1)),
        ClusterConfig.standalone()), config);
    assertEquals("[::1]:1884", config.brokers().get(1).address());
  }

  @Test
  void scalarsAreReadAsWrittenNotAsYaml11Types() throws ConfigException {
    NodeConfig config = parse(BROKER + """
        listeners:
          - name: no          # YAML 1.1 would make this the boolean false
            port: "1883"      # quoted numbers are numbers where a number is expected
        admin:
          token: 0123         # YAML 1.1 would make this the octal number 83
        """);
    assertEquals("no", config.listeners().get(0).name());
    assertEquals(1883, config.listeners().get(0).port());
    assertEquals("0123", config.admin().token());
  }

  @Test
  void substitutesEnvironmentVariablesWithAndWithoutDefaults() throws ConfigException {
    String yaml = """
        node:
          id: ${NODE_ID}
        listeners:
          - name: tcp
            port: ${MQTT_PORT:-1883}
        admin:
          token: "${TOKEN:-}"
        brokers:
          - id: b1
            address: ${BROKER_HOST:-127.0.0.1}:${BROKER_PORT:-1884}
            weight: ${WEIGHT:-2}
        routing:
          table:
            stickyTtl: ${TTL:-30m}
        """;
    NodeConfig unset = ConfigLoader.parse(yaml, FILE, Map.of("NODE_ID", "lb-9"));
    assertEquals("lb-9", unset.nodeId());
    assertEquals(1883, unset.listeners().get(0).port());
    assertEquals("", unset.admin().token());
    assertEquals(new BrokerConfig("b1", "127.0.0.1", 1884, 2), unset.brokers().get(0));
    assertEquals(Duration.ofMinutes(30), unset.routing().stickyTtl());

    NodeConfig set = ConfigLoader.parse(yaml, FILE, Map.of("NODE_ID", "lb-2", "MQTT_PORT", "2883",
        "TOKEN", "t0k", "BROKER_HOST", "10.0.0.5", "BROKER_PORT", "1883", "WEIGHT", "4", "TTL", "1h"));
    assertEquals("lb-2", set.nodeId());
    assertEquals(2883, set.listeners().get(0).port());
    assertEquals("t0k", set.admin().token());
    assertEquals(new BrokerConfig("b1", "10.0.0.5", 1883, 4), set.brokers().get(0));
    assertEquals(Duration.ofHours(1), set.routing().stickyTtl());

    // An empty variable takes the default too, as in the shell.
    NodeConfig empty = ConfigLoader.parse(yaml, FILE, Map.of("NODE_ID", "lb-3", "MQTT_PORT", ""));
    assertEquals(1883, empty.listeners().get(0).port());
  }

  @Test
  void unsetVariableWithoutDefaultIsNamed() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse(BROKER + "node:\n  id: ${NODE_ID}\n"));
    assertEquals("node.yaml: node.id: environment variable NODE_ID is not set"
        + " (set it, or write ${NODE_ID:-default})", e.getMessage());
    assertEquals("node.id", e.key());
  }

  @Test
  void substitutedValuesNeverChangeTheStructure() throws ConfigException {
    NodeConfig config = ConfigLoader.parse(BROKER + "admin:\n  token: ${TOKEN}\n", FILE,
        Map.of("TOKEN", "x\nlimts: {}\n#"));
    assertEquals("x\nlimts: {}\n#", config.admin().token());
  }

  @Test
  void variablesAreNotLookedUpInCommentsOrInUnknownKeys() throws ConfigException {
    assertEquals(List.of(B1), parse(BROKER + "# port: ${UNSET}\n").brokers());
    ConfigException e = assertThrows(ConfigException.class, () -> parse(BROKER + "limts: ${UNSET}\n"));
    assertEquals("limts", e.key());
  }

  @Test
  void doubleDollarWritesALiteralReference() throws ConfigException {
    assertEquals("a${B}c", parse(BROKER + "admin:\n  token: a$${B}c\n").admin().token());
  }

  /** One row per mistake: the YAML, the key the message must name, and the problem it must state. */
  static Stream<Arguments> badInputs() {
    String oneListener = "listeners:\n  - name: tcp\n    port: 1883\n";
    return Stream.of(
        bad("empty file", "", "-",
            "the file is empty; a node needs at least a brokers list"),
        bad("only comments", "# nothing here\n\n", "-",
            "the file is empty; a node needs at least a brokers list"),
        bad("top level is a list", "- b1\n- b2\n", "-",
            "expected a mapping of node, listeners, admin, brokers, routing, health, limits, cluster; got a list"),
        bad("top level is text", "brokers b1\n", "-",
            "expected a mapping of node, listeners, admin, brokers, routing, health, limits, cluster;"
                + " got 'brokers b1'"),
        bad("syntax error", BROKER + "admin:\n  host: 127.0.0.1\n   port: 8080\n", "-",
            "invalid YAML at line 6, column 8: mapping values are not allowed here"),
        bad("tab indentation", "brokers:\n\t- id: b1\n", "-",
            "invalid YAML at line 2, column 1: found character '\\t(TAB)' that cannot start any token."
                + " (Do not use \\t(TAB) for indentation) (while scanning for the next token)"),
        bad("two documents", BROKER + "---\nbrokers: []\n", "-",
            "invalid YAML at line 4, column 1: expected a single document in the stream,"
                + " but found another document"),
        bad("typo in a top-level key", BROKER + "limts:\n  connectTimeout: 5s\n", "limts",
            "unknown key 'limts'; expected one of node, listeners, admin, brokers, routing, health, limits, cluster"),
        bad("typo in a nested key", BROKER + "health:\n  intervall: 2s\n", "health.intervall",
            "unknown key 'intervall'; expected one of interval, timeout, rise, fall, probe"),
        bad("duplicate key", BROKER + "health:\n  rise: 2\n  rise: 3\n", "health.rise", "duplicate key 'rise'"),
        bad("global tag (would name a Java type)", BROKER + "node:\n  id: !!java.net.URL http://x\n", "-",
            "invalid YAML at line 5, column 7: Global tag is not allowed: tag:yaml.org,2002:java.net.URL"),
        bad("local tag", BROKER + "admin:\n  token: !secret abc\n", "admin.token",
            "unsupported YAML tag '!secret'; write the plain value"),
        bad("tagged list", BROKER + "listeners: !!set {a, b}\n", "listeners",
            "expected a list; got a mapping tagged tag:yaml.org,2002:set"),
        bad("invalid node id", BROKER + "node:\n  id: lb 1\n", "node.id",
            "must be 1 to 64 letters, digits, '.', '_' or '-' starting with a letter or digit, got 'lb 1'"),
        bad("duration without unit", BROKER + "limits:\n  connectTimeout: 5 sec\n", "limits.connectTimeout",
            "'5 sec' is not a duration (write e.g. 500ms, 5s, 30m, 2h)"),
        bad("zero duration", BROKER + "health:\n  interval: 0s\n", "health.interval",
            "must be a positive duration, got 0s"),
        bad("unknown health probe", BROKER + "health:\n  probe: http\n", "health.probe",
            "unknown health probe 'http'; expected mqtt or tcp"),
        bad("health timeout longer than the interval", BROKER + "health:\n  interval: 1s\n  timeout: 1500ms\n",
            "health.timeout", "must not exceed interval (1s), got 1500ms"),
        bad("health timeout longer than the default interval", BROKER + "health:\n  timeout: 3s\n",
            "health.timeout", "must not exceed interval (2s), got 3s"),
        bad("tiny maxConnectBytes", BROKER + "limits:\n  maxConnectBytes: 15\n", "limits.maxConnectBytes",
            "must be at least 16, got 15"),
        bad("number that is text", BROKER + "limits:\n  maxConnections: lots\n", "limits.maxConnections",
            "expected a whole number; got 'lots'"),
        bad("number that is a list", BROKER + oneListener.replace("1883", "[1883]"), "listeners[0].port",
            "expected a whole number; got a list"),
        bad("number out of int range", BROKER + "health:\n  rise: 3000000000\n", "health.rise",
            "3000000000 is out of range"),
        bad("listener port too high", BROKER + oneListener.replace("1883", "70000"), "listeners[0].port",
            "must be between 0 and 65535, got 70000"),
        bad("no listeners", BROKER + "listeners: []\n", "listeners", "must name at least one listener"),
        bad("listeners is a mapping", BROKER + "listeners:\n  tcp: 1883\n", "listeners",
            "expected a list; got a mapping"),
        bad("listener without a name", BROKER + "listeners:\n  - port: 1883\n", "listeners[0].name",
            "required key is missing"),
        bad("duplicate listener names", BROKER + oneListener + "  - name: tcp\n    port: 1884\n",
            "listeners[1].name", "'tcp' is already the name of listeners[0]"),
        bad("two listeners on one port", BROKER + oneListener + "  - name: local\n    host: 127.0.0.1\n    port: 1883\n",
            "listeners[1].port", "1883 is already used by listeners[0]"),
        bad("admin on a listener's port", BROKER + oneListener + "admin:\n  port: 1883\n", "admin.port",
            "1883 is already used by listeners[0]"),
        bad("admin port too high", BROKER + "admin:\n  port: 65536\n", "admin.port",
            "must be between 0 and 65535, got 65536"),
        // The admin API on an address other machines reach needs a token, or the explicit exemption.
        bad("admin on every IPv4 address without a token", BROKER + "admin:\n  host: 0.0.0.0\n", "admin.token",
            "is required when the admin API listens on 0.0.0.0, which other machines can reach (anyone there could move clients and change brokers): set a token (e.g. token: ${MQTTLB_ADMIN_TOKEN}), bind host: 127.0.0.1, or set allowUnauthenticated: true if something else guards the port"),
        bad("admin on every IPv6 address without a token", BROKER + "admin:\n  host: '::'\n", "admin.token",
            "is required when the admin API listens on ::, which other machines can reach (anyone there could move clients and change brokers): set a token (e.g. token: ${MQTTLB_ADMIN_TOKEN}), bind host: 127.0.0.1, or set allowUnauthenticated: true if something else guards the port"),
        bad("admin on a LAN address with an empty token", BROKER + "admin:\n  host: 10.1.2.3\n  token: ''\n",
            "admin.token", "is required when the admin API listens on 10.1.2.3, which other machines can reach (anyone there could move clients and change brokers): set a token (e.g. token: ${MQTTLB_ADMIN_TOKEN}), bind host: 127.0.0.1, or set allowUnauthenticated: true if something else guards the port"),
        bad("admin on a host name, which is not resolved", BROKER + "admin:\n  host: lb-1.internal\n", "admin.token",
            "is required when the admin API listens on lb-1.internal, which other machines can reach (anyone there could move clients and change brokers): set a token (e.g. token: ${MQTTLB_ADMIN_TOKEN}), bind host: 127.0.0.1, or set allowUnauthenticated: true if something else guards the port"),
        bad("admin token from an unset variable with an empty default",
            BROKER + "admin:\n  host: 0.0.0.0\n  token: ${NO_SUCH_TOKEN_VARIABLE:-}\n", "admin.token", "is required when the admin API listens on 0.0.0.0, which other machines can reach (anyone there could move clients and change brokers): set a token (e.g. token: ${MQTTLB_ADMIN_TOKEN}), bind host: 127.0.0.1, or set allowUnauthenticated: true if something else guards the port"),
        bad("admin exemption that is not a boolean", BROKER + "admin:\n  allowUnauthenticated: yes please\n",
            "admin.allowUnauthenticated", "expected true or false; got 'yes please'"),
        bad("empty admin tls", BROKER + "admin:\n  tls:\n", "admin.tls",
            "must not be empty: give at least certPath and keyPath, or remove the key for plain HTTP"),
        bad("admin tls with SNI", BROKER + "admin:\n  tls: {certPath: c.pem, keyPath: k.pem, sni: []}\n", "admin.tls.sni",
            "unknown key 'sni'; expected one of certPath, keyPath, provider, caPath, clientAuth"),
        bad("admin tls without a key", BROKER + "admin:\n  tls: {certPath: c.pem}\n", "admin.tls.keyPath",
            "required key is missing"),
        // Per-source-address limits: 0 is off, below is a mistake.
        bad("negative per-source maxConnections", BROKER + "limits:\n  perSourceAddress: {maxConnections: -1}\n",
            "limits.perSourceAddress.maxConnections", "must be at least 0, got -1"),
        bad("negative per-source connectRate", BROKER + "limits:\n  perSourceAddress: {connectRate: -5}\n",
            "limits.perSourceAddress.connectRate", "must be at least 0, got -5"),
        bad("per-source connectRate as a duration", BROKER + "limits:\n  perSourceAddress: {connectRate: 10/s}\n",
            "limits.perSourceAddress.connectRate", "expected a whole number; got '10/s'"),
        // Admission control: 0 is off (or, for a broker, the tier's default), below is a mistake.
        bad("negative broker maxConnectRate", "brokers:\n  - {id: b1, address: 127.0.0.1:1884, maxConnectRate: -1}\n",
            "brokers[0].maxConnectRate", "must be between 0 and 1000000, got -1"),
        bad("broker maxConnectRate with a unit", "brokers:\n  - {id: b1, address: 127.0.0.1:1884, maxConnectRate: 5/s}\n",
            "brokers[0].maxConnectRate", "expected a whole number; got '5/s'"),
        bad("negative maxConnectRatePerBroker", BROKER + "limits:\n  maxConnectRatePerBroker: -5\n",
            "limits.maxConnectRatePerBroker", "must be between 0 and 1000000, got -5"),
        bad("zero admissionWait", BROKER + "limits:\n  admissionWait: 0s\n",
            "limits.admissionWait", "must be a positive duration, got 0s"),
        bad("admissionWait without unit", BROKER + "limits:\n  admissionWait: 10\n", "limits.admissionWait",
            "'10' is not a duration (write e.g. 500ms, 5s, 30m, 2h)"),
        bad("negative admissionQueue", BROKER + "limits:\n  admissionQueue: -1\n",
            "limits.admissionQueue", "must be between 0 and 10000000, got -1"),
        bad("typo in perSourceAddress", BROKER + "limits:\n  perSourceAddress: {maxConnection: 5}\n",
            "limits.perSourceAddress.maxConnection", "unknown key 'maxConnection'; expected one of maxConnections, connectRate"),
        bad("no brokers", "node:\n  id: lb-1\n", "brokers", "a standalone node needs at least one broker"),
        bad("empty brokers", "brokers: []\n", "brokers", "a standalone node needs at least one broker"),
        bad("broker without address", "brokers:\n  - id: b1\n", "brokers[0].address", "required key is missing"),
        bad("broker address without port", "brokers:\n  - id: b1\n    address: 127.0.0.1\n", "brokers[0].address",
            "'127.0.0.1' is not host:port (e.g. 127.0.0.1:1884)"),
        bad("broker address with scheme", "brokers:\n  - id: b1\n    address: tcp://127.0.0.1:1884\n",
            "brokers[0].address", "'tcp://127.0.0.1:1884' is not host:port (write it without a scheme, e.g. 127.0.0.1:1884)"),
        bad("unbracketed IPv6", "brokers:\n  - id: b1\n    address: ::1:1884\n", "brokers[0].address",
            "'::1:1884' is not host:port (write an IPv6 address in brackets, e.g. [::1]:1883)"),
        bad("broker port 0", "brokers:\n  - id: b1\n    address: 127.0.0.1:0\n", "brokers[0].address",
            "'127.0.0.1:0': port must be between 1 and 65535, got 0"),
        bad("broker weight 0", BROKER + "  - id: b2\n    address: 127.0.0.1:1885\n    weight: 0\n",
            "brokers[1].weight", "must be between 1 and 1000, got 0"),
        bad("duplicate broker ids", BROKER + "  - id: b1\n    address: 127.0.0.1:1885\n", "brokers[1].id",
            "'b1' is already the id of brokers[0]"),
        bad("unknown routing mode", BROKER + "routing:\n  mode: random\n", "routing.mode",
            "unknown routing mode 'random'; expected hash or table"),
        bad("unknown routing key", BROKER + "routing:\n  key: clientId\n", "routing.key",
            "unknown routing key 'clientId'; expected client-id, username, certificate-cn"),
        bad("unknown clean-session routing", BROKER + "routing:\n  cleanSessions: fewest\n", "routing.cleanSessions",
            "unknown clean-session routing 'fewest'; expected ring, least-loaded"),
        bad("virtualNodes 0", BROKER + "routing:\n  virtualNodes: 0\n", "routing.virtualNodes",
            "must be between 1 and 10000, got 0"),
        bad("virtualNodes too many", BROKER + "routing:\n  virtualNodes: 10001\n", "routing.virtualNodes",
            "must be between 1 and 10000, got 10001"),
        bad("zero sticky TTL", BROKER + "routing:\n  table:\n    stickyTtl: 0m\n", "routing.table.stickyTtl",
            "must be a positive duration, got 0s"),
        bad("not a boolean", BROKER + oneListener + "    acceptProxyProtocol: maybe\n",
            "listeners[0].acceptProxyProtocol", "expected true or false; got 'maybe'"),
        bad("unknown PROXY version", "brokers:\n  - id: b1\n    address: 127.0.0.1:1884\n    sendProxyProtocol: v3\n",
            "brokers[0].sendProxyProtocol", "unknown PROXY protocol version 'v3'; expected none, v1, v2"),
        bad("PROXY version as a boolean", "brokers:\n  - id: b1\n    address: 127.0.0.1:1884\n    sendProxyProtocol: true\n",
            "brokers[0].sendProxyProtocol", "unknown PROXY protocol version 'true'; expected none, v1, v2"),
        bad("PROXY version as a list", "brokers:\n  - id: b1\n    address: 127.0.0.1:1884\n    sendProxyProtocol: [v2]\n",
            "brokers[0].sendProxyProtocol", "expected a text value; got a list"),
        bad("acceptProxyProtocol as a version", BROKER + oneListener + "    acceptProxyProtocol: v2\n",
            "listeners[0].acceptProxyProtocol", "expected true or false; got 'v2'"),

        // A broker at one of the node's own listeners: the node would relay clients to itself.
        bad("broker at the listener's address", "listeners:\n  - {name: tcp, host: 127.0.0.1, port: 1883}\n"
                + "brokers:\n  - {id: b1, address: 127.0.0.1:1883}\n", "brokers[0].address",
            "'127.0.0.1:1883' is this node's own listener 'tcp' (127.0.0.1:1883): the node would relay its clients to itself"),
        bad("broker named localhost at a wildcard listener", BROKER + "  - {id: b2, address: localhost:1883}\n",
            "brokers[1].address",
            "'localhost:1883' is this node's own listener 'tcp' (0.0.0.0:1883): the node would relay its clients to itself"),
        bad("broker at another loopback address of a wildcard listener",
            "listeners:\n  - {name: tcp, port: 1883}\n  - {name: edge, port: 8883}\nbrokers:\n  - {id: b1, address: 127.0.0.9:8883}\n",
            "brokers[0].address",
            "'127.0.0.9:8883' is this node's own listener 'edge' (0.0.0.0:8883): the node would relay its clients to itself"),
        bad("broker at the wildcard address", "brokers:\n  - {id: b1, address: 0.0.0.0:1883}\n", "brokers[0].address",
            "'0.0.0.0:1883' is this node's own listener 'tcp' (0.0.0.0:1883): the node would relay its clients to itself"),
        bad("broker at IPv6 loopback of a dual-stack listener", "listeners:\n  - {name: tcp, host: '::', port: 1883}\n"
                + "brokers:\n  - {id: b1, address: '[::1]:1883'}\n", "brokers[0].address",
            "'[::1]:1883' is this node's own listener 'tcp' ([::]:1883): the node would relay its clients to itself"),
        bad("recursive alias", BROKER + "listeners: &l [*l]\n", "listeners[0]",
            "expected a mapping of name, host, port, websocket, tls, acceptProxyProtocol; got a list"),
        bad("too many aliases", BROKER + "node: &a {id: x}\n"
            + "limits: [" + "*a, ".repeat(60) + "*a]\n", "-",
            "not valid YAML: Number of aliases for non-scalar nodes exceeds the specified max=50"),

        // TLS settings without their files (the files: TlsConfigLoadingTest).
        bad("empty tls", BROKER + oneListener + "    tls:\n", "listeners[0].tls",
            "must not be empty: give at least certPath and keyPath, or remove the key for plain MQTT"),
        bad("tls without a key", BROKER + oneListener + "    tls: {certPath: cert.pem}\n", "listeners[0].tls.keyPath",
            "required key is missing"));
  }

  private static Arguments bad(String name, String yaml, String key, String problem) {
    return Arguments.of(name, yaml, key, problem);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputIsOneLineNamingFileKeyAndProblem(String name, String yaml, String key, String problem) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertEquals(FILE + ": " + key + ": " + problem, e.getMessage());
    assertEquals(FILE, e.file());
    assertEquals(key, e.key());
    assertEquals(problem, e.problem());
    assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "one line");
  }

  /** The file is Hazelcast's to read, where the node starts it (the cluster package's HazelcastSetupCheckTest). */
  @Test
  void theHazelcastFileIsTakenAsAPathNotRead() throws ConfigException {
    ClusterConfig cluster = parse("cluster:\n  hazelcastConfig: no/such/hazelcast.yaml\n").cluster();
    assertTrue(cluster.clustered());
    assertEquals("no/such/hazelcast.yaml", cluster.hazelcastConfig());
  }

  @Test
  void adminOnALoopbackHostNeedsNoToken() throws ConfigException {
    for (String host : List.of("127.0.0.1", "127.0.0.53", "localhost", "LocalHost", "::1", "'0:0:0:0:0:0:0:1'")) {
      AdminConfig admin = parse(BROKER + "admin:\n  host: " + host + "\n").admin();
      assertFalse(admin.tokenRequired(), host);
      assertFalse(admin.allowUnauthenticated(), host);
    }
  }

  @Test
  void adminOnAReachableHostStartsWithATokenOrTheExplicitExemption() throws ConfigException {
    AdminConfig withToken = ConfigLoader.parse(BROKER + "admin:\n  host: 0.0.0.0\n  token: ${T}\n", FILE, Map.of("T", "s3cret")).admin();
    assertEquals(new AdminConfig("0.0.0.0", 8080, "s3cret"), withToken);
    AdminConfig exempt = parse(BROKER + "admin:\n  host: '::'\n  allowUnauthenticated: true\n").admin();
    assertEquals(new AdminConfig("::", 8080, "", true, null), exempt);
    assertFalse(exempt.tokenRequired());
  }

  @Test
  void perSourceAddressLimitsAreOffByDefaultAndReadWhenGiven() throws ConfigException {
    assertEquals(SourceAddressLimits.NONE, parse(BROKER).limits().perSourceAddress());
    assertFalse(parse(BROKER + "limits:\n  perSourceAddress: {}\n").limits().perSourceAddress().any());
    LimitsConfig limits = parse(BROKER + "limits:\n  perSourceAddress: {maxConnections: 50, connectRate: 10}\n").limits();
    assertEquals(new SourceAddressLimits(50, 10), limits.perSourceAddress());
    assertEquals(LimitsConfig.defaults().withPerSourceAddress(new SourceAddressLimits(50, 10)), limits);
    assertEquals(new SourceAddressLimits(0, 3),
        parse(BROKER + "limits:\n  perSourceAddress: {connectRate: 3}\n").limits().perSourceAddress());
  }

  @Test
  void admissionControlIsOffByDefaultAndReadWhenGiven() throws ConfigException {
    NodeConfig defaults = parse(BROKER);
    assertEquals(AdmissionLimits.DEFAULTS, defaults.limits().admission());
    assertEquals(0, defaults.brokers().get(0).maxConnectRate());
    assertEquals(0, defaults.limits().admission().capOf(defaults.brokers().get(0).maxConnectRate()), "no cap at all");
    NodeConfig config = parse("""
        brokers:
          - {id: b1, address: 127.0.0.1:1884, maxConnectRate: 500}
          - {id: b2, address: 127.0.0.1:1885}
        limits: {maxConnectRatePerBroker: 200, admissionWait: 2s, admissionQueue: 0}
        """);
    assertEquals(new AdmissionLimits(200, Duration.ofSeconds(2), 0), config.limits().admission());
    assertEquals(LimitsConfig.defaults().withAdmission(new AdmissionLimits(200, Duration.ofSeconds(2), 0)), config.limits());
    assertEquals(new BrokerConfig("b1", "127.0.0.1", 1884, 1).withMaxConnectRate(500), config.brokers().get(0));
    assertEquals(500, config.limits().admission().capOf(config.brokers().get(0).maxConnectRate()), "its own cap");
    assertEquals(200, config.limits().admission().capOf(config.brokers().get(1).maxConnectRate()), "the tier's default");
  }

  @Test
  void featuresAtTheirCurrentBehaviourAreAccepted() throws ConfigException {
    NodeConfig config = parse("""
        listeners:
          - {name: tcp, port: 1883, acceptProxyProtocol: false}
        brokers:
          - {id: b1, address: 127.0.0.1:1884, sendProxyProtocol: none}
        routing: {mode: hash}
        cluster:
          hazelcastConfig: ${HAZELCAST_CONFIG:-}
        """);
    assertEquals(NodeConfig.defaults().withListeners(List.of(new ListenerConfig("tcp", "0.0.0.0", 1883)))
        .withBrokers(List.of(B1)), config);
  }

  @Test
  void proxyProtocolKeysAreReadIntoTheRecords() throws ConfigException {
    NodeConfig config = parse("""
        listeners:
          - {name: behind-nlb, port: 1883, acceptProxyProtocol: true}
          - {name: direct, port: 1884, acceptProxyProtocol: "${DIRECT_PROXY:-false}"}
        brokers:
          - {id: b1, address: 10.0.0.1:1883, sendProxyProtocol: v1}
          - {id: b2, address: 10.0.0.2:1883, sendProxyProtocol: V2}
          - {id: b3, address: 10.0.0.3:1883, sendProxyProtocol: none}
          - {id: b4, address: 10.0.0.4:1883}
        """);
    assertEquals(List.of(new ListenerConfig("behind-nlb", "0.0.0.0", 1883).withAcceptProxyProtocol(true), new ListenerConfig("direct", "0.0.0.0", 1884)),
        config.listeners());
    assertEquals(List.of(ProxyProtocol.V1, ProxyProtocol.V2, ProxyProtocol.NONE, ProxyProtocol.NONE),
        config.brokers().stream().map(BrokerConfig::sendProxyProtocol).toList());
  }

  @Test
  void brokersThatOnlyLookLikeTheNodesListenersAreAccepted() throws ConfigException {
    NodeConfig config = parse("""
        listeners:
          - {name: local, host: 127.0.0.1, port: 1883}
          - {name: v4, host: 0.0.0.0, port: 1884}
          - {name: ephemeral, host: 127.0.0.1, port: 0}
        brokers:
          - {id: other-loopback, address: 127.0.0.2:1883}      # the listener binds 127.0.0.1 only
          - {id: ipv6, address: "[::1]:1884"}                   # 0.0.0.0 takes IPv4 only
          - {id: other-host, address: 192.0.2.7:1884}
          - {id: unresolved, address: "mqtt-broker.invalid:1884"} # may resolve where the node runs
          - {id: other-port, address: 127.0.0.1:1885}
        """);
    assertEquals(5, config.brokers().size());
  }

  @Test
  void brokerAtALocalInterfaceAddressOfAWildcardListenerIsRefused() throws Exception {
    String local = nonLoopbackLocalIpv4();
    Assumptions.assumeTrue(local != null, "this machine has no non-loopback IPv4 interface address");
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse("brokers:\n  - {id: b1, address: '" + local + ":1883'}\n"));
    assertEquals("brokers[0].address", e.key());
    assertTrue(e.problem().contains("listener 'tcp' (0.0.0.0:1883)"), e.problem());
  }

  /** An IPv4 address of one of this machine's interfaces other than loopback, or null. */
  static String nonLoopbackLocalIpv4() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return address.getHostAddress();
        }
      }
    }
    return null;
  }

  @Test
  void realErrorsAreReportedBeforeRefusedFeatures() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse(BROKER + "routing:\n  mode: table\n  virtualNodes: 0\n"));
    assertEquals("routing.virtualNodes", e.key());
  }

  @Test
  void loadsAFile(@TempDir Path dir) throws IOException, ConfigException {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, BROKER);
    assertEquals(List.of(B1), ConfigLoader.load(file).brokers());
  }

  @Test
  void missingFile(@TempDir Path dir) {
    Path file = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertEquals(file + ": -: file not found", e.getMessage());
  }

  @Test
  void directoryInsteadOfFile(@TempDir Path dir) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
    assertEquals(dir + ": -: is a directory, not a file", e.getMessage());
  }

  @Test
  void fileThatIsNotUtf8(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, new byte[] {'i', 'd', ':', ' ', (byte) 0xE9, '\n'});
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertEquals(file + ": -: not UTF-8 text", e.getMessage());
  }

  @Test
  void exampleNodeFileLoads() throws IOException, ConfigException {
    NodeConfig config = ConfigLoader.parse(Files.readString(EXAMPLE_FILE), EXAMPLE_FILE.toString(), Map.of());

    assertEquals(NodeConfig.defaults()
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 1883)))
        .withBrokers(List.of(
            new BrokerConfig("b1", "127.0.0.1", 1884, 1),
            new BrokerConfig("b2", "127.0.0.1", 1885, 1),
            new BrokerConfig("b3", "127.0.0.1", 1886, 1))), config);
    // And through the file API, with the real environment.
    assertEquals(config.brokers(), ConfigLoader.load(EXAMPLE_FILE).brokers());
  }
}
