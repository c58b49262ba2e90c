package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mqttlb.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's {@code tls} keys as the loader reads them: into {@link TlsConfig}, with the files they
 * name read and checked at load, so that a file that cannot serve a handshake stops the node before
 * anything starts, with one line naming the file, the key and the problem.
 */
class TlsConfigLoadingTest {
  private static final String FILE = "node.yaml";
  private static final String BROKER = "brokers:\n  - {id: b1, address: 127.0.0.1:1884}\n";

  @TempDir
  static Path dir;
  private static TestPki pki;
  private static TestPki.Issued server;
  private static TestPki.Issued other;
  private static TestPki.Issued sniA;

  @BeforeAll
  static void certificates() {
    pki = TestPki.create(dir, "config");
    server = pki.server("server", "localhost");
    other = pki.server("other", "localhost");
    sniA = pki.serverWithPkcs1Key("a", "a.example.com");
  }

  private static NodeConfig parse(String tls) throws ConfigException {
    return ConfigLoader.parse(BROKER + "listeners:\n  - name: tls\n    port: 8883\n    tls:\n" + tls.indent(6), FILE, Map.of());
  }

  private static String pair(TestPki.Issued issued) {
    return "certPath: " + issued.certPath() + "\nkeyPath: " + issued.keyPath() + "\n";
  }

  private static void assertRefused(String tls, String key, String problem) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(tls));
    assertEquals(FILE + ": listeners[0].tls." + key + ": " + problem, e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void everyKeyIsReadIntoTheRecord() throws ConfigException {
    NodeConfig config = parse(pair(server) + """
        provider: jdk
        sni:
          - {serverName: a.example.com, certPath: %s, keyPath: %s}
        caPath: %s
        clientAuth: required
        watchInterval: 30s
        """.formatted(sniA.certPath(), sniA.keyPath(), pki.caPath()));
    assertEquals(new TlsConfig(server.certPath().toString(), server.keyPath().toString(), TlsProvider.JDK,
            List.of(new SniCertificate("a.example.com", sniA.certPath().toString(), sniA.keyPath().toString())),
            pki.caPath().toString(), ClientAuth.REQUIRED, Duration.ofSeconds(30)),
        config.listeners().get(0).tls());
  }

  @Test
  void defaultsAreAutoNoSniNoClientCertificatesAndAWatchEveryTenSeconds() throws ConfigException {
    TlsConfig tls = parse(pair(server)).listeners().get(0).tls();
    assertEquals(TlsConfig.of(server.certPath().toString(), server.keyPath().toString()), tls);
    assertEquals(TlsProvider.AUTO, tls.provider());
    assertEquals(ClientAuth.NONE, tls.clientAuth());
    assertEquals(Duration.ofSeconds(10), tls.watchInterval());
    assertEquals(TlsConfig.DEFAULT_WATCH_INTERVAL, tls.watchInterval());
  }

  @Test
  void watchIntervalZeroTurnsTheWatchOff() throws ConfigException {
    TlsConfig tls = parse(pair(server) + "watchInterval: 0s\n").listeners().get(0).tls();
    assertEquals(Duration.ZERO, tls.watchInterval());
    assertFalse(tls.watched());
  }

  @Test
  void watchIntervalIsZeroOrAtLeastASecond() {
    assertRefused(pair(server) + "watchInterval: 500ms\n", "watchInterval", "must be 0s (off) or at least 1s, got 500ms");
    assertRefused(pair(server) + "watchInterval: soon\n", "watchInterval",
        "'soon' is not a duration (write e.g. 500ms, 5s, 30m, 2h)");
    assertRefused(pair(server) + "watchInterval: -5s\n", "watchInterval",
        "'-5s' is not a duration (write e.g. 500ms, 5s, 30m, 2h)");
  }

  @Test
  void aMissingCertificateFileIsNamed() {
    Path missing = dir.resolve("missing.pem");
    assertRefused("certPath: " + missing + "\nkeyPath: " + server.keyPath() + "\n", "certPath", missing + ": file not found");
  }

  @Test
  void aKeyFileThatIsADirectoryIsNamed() {
    assertRefused("certPath: " + server.certPath() + "\nkeyPath: " + dir + "\n", "keyPath", dir + ": is a directory, not a file");
  }

  @Test
  void swappedCertificateAndKeyAreNamed() {
    assertRefused("certPath: " + server.keyPath() + "\nkeyPath: " + server.certPath() + "\n", "certPath",
        server.keyPath() + ": holds a private key, not a certificate");
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsNamed() {
    assertRefused("certPath: " + server.certPath() + "\nkeyPath: " + other.keyPath() + "\n", "keyPath",
        other.keyPath() + ": the private key does not belong to the certificate in " + server.certPath()
            + " (" + server.certificate().getSubjectX500Principal().getName() + ")");
  }

  @Test
  void aChainFileWithTheCaFirstIsExplained() throws Exception {
    Path reversed = dir.resolve("reversed-chain.pem");
    Files.writeString(reversed, Files.readString(pki.caPath()) + Files.readString(server.certPath()));
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse("certPath: " + reversed + "\nkeyPath: " + server.keyPath() + "\n"));
    assertEquals("listeners[0].tls.keyPath", e.key());
    assertEquals(true, e.problem().endsWith("; a chain file lists the server's own certificate first)"), e.problem());
  }

  @Test
  void anSniEntryIsNamedByItsIndex() {
    Path missing = dir.resolve("no-b.key");
    assertRefused(pair(server) + """
        sni:
          - {serverName: a.example.com, certPath: %s, keyPath: %s}
          - {serverName: "*.b.example.com", certPath: %s, keyPath: %s}
        """.formatted(sniA.certPath(), sniA.keyPath(), other.certPath(), missing), "sni[1].keyPath", missing + ": file not found");
  }

  @Test
  void anSniServerNameMustBeAHostNameOrAWildcardOfOneLabel() {
    assertRefused(pair(server) + "sni:\n  - {serverName: 'a.*.example.com', certPath: x, keyPath: y}\n",
        "sni[0].serverName", "must be a host name, or *. and a domain, got 'a.*.example.com'");
    assertRefused(pair(server) + "sni:\n  - {serverName: 'a example', certPath: x, keyPath: y}\n",
        "sni[0].serverName", "must be a host name, or *. and a domain, got 'a example'");
  }

  @Test
  void theSameSniNameTwiceIsRefused() {
    String entry = "  - {serverName: A.example.com, certPath: %s, keyPath: %s}\n".formatted(sniA.certPath(), sniA.keyPath());
    assertRefused(pair(server) + "sni:\n" + entry + entry.replace("A.example", "a.example"), "sni",
        "server name 'a.example.com' is listed twice");
  }

  @Test
  void aCaFileWithoutCertificatesIsNamed() {
    assertRefused(pair(server) + "caPath: " + server.keyPath() + "\nclientAuth: request\n", "caPath",
        server.keyPath() + ": holds a private key, not a certificate");
  }

  @Test
  void clientAuthNeedsACa() {
    assertRefused(pair(server) + "clientAuth: required\n", "caPath",
        "is required with clientAuth: required (the CA that client certificates must chain to)");
  }

  @Test
  void unknownProviderAndClientAuthAreNamed() {
    assertRefused(pair(server) + "provider: boringssl\n", "provider",
        "unknown TLS provider 'boringssl'; expected auto, openssl, jdk");
    assertRefused(pair(server) + "caPath: " + pki.caPath() + "\nclientAuth: optional\n", "clientAuth",
        "unknown client authentication 'optional'; expected none, request, required");
  }

  private static NodeConfig parseAdmin(String tls) throws ConfigException {
    return ConfigLoader.parse(BROKER + "admin:\n  tls:\n" + tls.indent(4), FILE, Map.of());
  }

  @Test
  void adminTlsTakesAListenersKeysExceptSniAndNeverWatches() throws ConfigException {
    AdminConfig admin = parseAdmin(pair(server) + "provider: jdk\ncaPath: " + pki.caPath() + "\nclientAuth: required\n")
        .admin();
    assertEquals(new TlsConfig(server.certPath().toString(), server.keyPath().toString(), TlsProvider.JDK, List.of(),
        pki.caPath().toString(), ClientAuth.REQUIRED, Duration.ZERO), admin.tls());
    assertEquals(TlsConfig.of(server.certPath().toString(), server.keyPath().toString()).withWatchInterval(Duration.ZERO),
        parseAdmin(pair(server)).admin().tls());
    assertEquals(null, ConfigLoader.parse(BROKER, FILE, Map.of()).admin().tls());
  }

  @Test
  void adminTlsFilesAreCheckedAtLoadAsAListenersAre() {
    ConfigException missing = assertThrows(ConfigException.class,
        () -> parseAdmin("certPath: " + dir.resolve("nope.pem") + "\nkeyPath: " + server.keyPath() + "\n"));
    assertEquals("admin.tls.certPath", missing.key());
    ConfigException wrongKey = assertThrows(ConfigException.class,
        () -> parseAdmin("certPath: " + server.certPath() + "\nkeyPath: " + other.keyPath() + "\n"));
    assertEquals("admin.tls.keyPath", wrongKey.key());
    ConfigException noCa = assertThrows(ConfigException.class, () -> parseAdmin(pair(server) + "clientAuth: request\n"));
    assertEquals(FILE + ": admin.tls.caPath: is required with clientAuth: request (the CA that client certificates must"
        + " chain to)", noCa.getMessage());
    ConfigException watch = assertThrows(ConfigException.class, () -> parseAdmin(pair(server) + "watchInterval: 5s\n"));
    assertEquals("admin.tls.watchInterval", watch.key());
  }
}
