package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code brokers[].tls} in a node's configuration file: what it reads into, and the one-line errors. */
class BrokerTlsConfigTest {
  private static final String FILE = "node.yaml";

  private static NodeConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, FILE, Map.of());
  }

  private static String broker(String tlsLines) {
    return "brokers:\n  - id: b1\n    address: 127.0.0.1:8883\n" + tlsLines;
  }

  @Test
  void everyFormReadsIntoTheRecord(@TempDir Path dir) throws ConfigException {
    Path ca = TestPki.create(dir, "brokers").caPath();
    NodeConfig config = parse("""
        brokers:
          - {id: plain, address: 10.0.0.1:1883}
          - id: empty
            address: 10.0.0.2:8883
            tls:
          - {id: braces, address: 10.0.0.3:8883, tls: {}}
          - id: full
            address: 10.0.0.4:8883
            sendProxyProtocol: v2
            tls: {caPath: "%s", serverName: b4.example.com, verify: true}
          - {id: unverified, address: 10.0.0.5:8883, tls: {serverName: b5.example.com, verify: "${VERIFY:-false}"}}
        """.formatted(ca));
    Map<String, BrokerConfig> brokers = new java.util.HashMap<>();
    config.brokers().forEach(b -> brokers.put(b.id(), b));
    assertNull(brokers.get("plain").tls(), "no tls key: plain TCP");
    assertEquals(BrokerTlsConfig.DEFAULTS, brokers.get("empty").tls(), "an empty tls: is TLS with every default");
    assertEquals(BrokerTlsConfig.DEFAULTS, brokers.get("braces").tls());
    assertEquals(new BrokerTlsConfig(ca.toString(), "b4.example.com", true), brokers.get("full").tls());
    assertEquals(ProxyProtocol.V2, brokers.get("full").sendProxyProtocol());
    assertEquals(new BrokerTlsConfig(null, "b5.example.com", false), brokers.get("unverified").tls());
    assertEquals("10.0.0.2", brokers.get("empty").tlsServerName(), "the host, without a server name");
    assertEquals("b4.example.com", brokers.get("full").tlsServerName());
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        Arguments.of("unknown key", broker("    tls: {cafile: ca.pem}\n"), "brokers[0].tls.cafile",
            "unknown key 'cafile'; expected one of caPath, serverName, verify"),
        Arguments.of("tls as a word", broker("    tls: true\n"), "brokers[0].tls",
            "expected a mapping of caPath, serverName, verify; got 'true'"),
        Arguments.of("verify not a boolean", broker("    tls: {verify: maybe}\n"), "brokers[0].tls.verify",
            "expected true or false; got 'maybe'"),
        Arguments.of("missing CA file", broker("    tls: {caPath: /nonexistent/ca.pem}\n"), "brokers[0].tls.caPath",
            "'/nonexistent/ca.pem': file not found"),
        Arguments.of("CA path is a directory", broker("    tls: {caPath: src}\n"), "brokers[0].tls.caPath",
            "'src' is a directory, not a file"),
        Arguments.of("CA file without verification", broker("    tls: {caPath: /etc/ca.pem, verify: false}\n"),
            "brokers[0].tls.caPath", "has no effect with verify: false (no certificate is checked); remove one of the two"),
        Arguments.of("server name with a space", broker("    tls: {serverName: 'b1 example'}\n"), "brokers[0].tls.serverName",
            "must be a host name or IP address, got 'b1 example'"),
        Arguments.of("server name IPv6", broker("    tls: {serverName: '::1'}\n"), "brokers[0].tls.serverName",
            "must be a host name or IPv4 address, got '::1'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputIsOneLineNamingFileKeyAndProblem(String name, String yaml, String key, String problem) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertEquals(key, e.key(), e.getMessage());
    assertEquals(problem, e.problem());
  }

  @Test
  void aCaFileWithoutCertificatesIsRefused(@TempDir Path dir) throws IOException {
    TestPki.Issued server = TestPki.create(dir, "brokers").server("b1", "127.0.0.1");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    for (Path notCertificates : new Path[] {server.keyPath(), empty}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> parse(broker("    tls: {caPath: \"" + notCertificates + "\"}\n")));
      assertEquals("brokers[0].tls.caPath", e.key());
      assertTrue(e.problem().startsWith("'" + notCertificates + "' holds no PEM certificate"), e.problem());
    }
  }
}
