package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mqttlb listeners} and {@code mqttlb listeners reload NAME} as a user runs them, in process,
 * against a real node with a plain listener and a TLS listener whose files the test replaces.
 */
class ListenersCommandTest {
  @TempDir
  Path dir;
  private TestPki pki;
  private TestPki.Issued first;
  private Path cert;
  private Path key;
  private BalancerNode node;
  private String admin;

  @BeforeEach
  void startNode() throws Exception {
    pki = TestPki.create(dir, "cli");
    first = pki.server("first", "localhost");
    cert = Files.copy(first.certPath(), dir.resolve("tls.crt"));
    key = Files.copy(first.keyPath(), dir.resolve("tls.key"));
    // No broker is dialled: health checks an hour apart keep the broker up for the test.
    NodeConfig config = NodeConfig.defaults()
        .withNodeId("lb-cli")
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0),
            new ListenerConfig("tls", "127.0.0.1", 0).withTls(
                TlsConfig.of(cert.toString(), key.toString()).withWatchInterval(Duration.ZERO))))
        .withAdmin(new AdminConfig("127.0.0.1", 0, ""))
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1884, 1)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
    node = BalancerNode.start(config).await(30, TimeUnit.SECONDS);
    admin = "http://127.0.0.1:" + node.adminPort();
  }

  @AfterEach
  void stopNode() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
  }

  private CliRun mqttlb(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--admin";
    all[args.length + 1] = admin;
    return CliRun.of(all);
  }

  private static void assertLine(String output, String... cells) {
    String line = String.join(" +", java.util.Arrays.stream(cells).map(Pattern::quote).toList());
    assertTrue(Pattern.compile("(?m)^" + line + "$").matcher(output).find(), "a line '" + String.join(" ", cells) + "' in:\n" + output);
  }

  @Test
  void listenersShowsEachListenerAndTheCertificateItPresents() {
    CliRun run = mqttlb("listeners");
    assertEquals(0, run.exitCode(), run.toString());
    String subject = first.certificate().getSubjectX500Principal().getName();
    String notAfter = first.certificate().getNotAfter().toInstant().toString();
    assertLine(run.out(), "NAME", "ADDRESS", "TLS", "CERTIFICATE", "SUBJECT", "EXPIRES");
    assertLine(run.out(), "tcp", "127.0.0.1:" + node.listenerPorts().get("tcp"), "no", "-", "-", "-");
    assertLine(run.out(), "tls", "127.0.0.1:" + node.listenerPorts().get("tls"), node.listenerTls("tls").provider(),
        "default", subject, notAfter);
  }

  @Test
  void reloadShowsTheNewCertificate() throws Exception {
    TestPki.Issued renewed = pki.server("renewed", "localhost");
    Files.copy(renewed.certPath(), cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(renewed.keyPath(), key, StandardCopyOption.REPLACE_EXISTING);
    CliRun run = mqttlb("listeners", "reload", "tls");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().startsWith("reloaded listener tls\n"), run.out());
    assertLine(run.out(), "default", renewed.certificate().getSubjectX500Principal().getName(),
        renewed.certificate().getSerialNumber().toString(16), renewed.certificate().getNotAfter().toInstant().toString());

    CliRun again = mqttlb("listeners", "reload", "tls");
    assertTrue(again.out().startsWith("reloaded listener tls (the files had not changed)\n"), again.out());
  }

  @Test
  void reloadFailuresSayWhyAndExit1() throws Exception {
    Files.writeString(key, "gone");
    CliRun bad = mqttlb("listeners", "reload", "tls");
    assertEquals(1, bad.exitCode(), bad.toString());
    assertEquals("mqttlb: 422: tls.keyPath: " + key + ": no private key in it (expected a -----BEGIN PRIVATE KEY-----,"
        + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY----- block)\n", bad.err());

    CliRun plain = mqttlb("listeners", "reload", "tcp");
    assertEquals(1, plain.exitCode(), plain.toString());
    assertEquals("mqttlb: 400: listener tcp has no TLS: there are no certificate files to reload\n", plain.err());

    CliRun unknown = mqttlb("listeners", "reload", "nope");
    assertEquals("mqttlb: 404: no listener named nope\n", unknown.err());
  }
}
