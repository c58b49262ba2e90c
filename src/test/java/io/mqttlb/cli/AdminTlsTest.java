package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ClientAuth;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over HTTPS ({@code admin.tls}) reached as an operator reaches it: {@code mqttlb
 * status --cacert} and {@code curl --cacert}; the same calls without the CA, or in plain HTTP, fail.
 * A second node asks for client certificates (clientAuth: required): curl gets in with one.
 */
@EndToEnd
class AdminTlsTest {
  private static final String TOKEN = "s3cret";
  @TempDir
  static Path dir;
  private static TestPki pki;
  private static TestPki.Issued operator;
  private static BalancerNode node;
  private static BalancerNode mutual;

  @BeforeAll
  static void startNodes() throws Exception {
    pki = TestPki.create(dir, "admin");
    TestPki.Issued server = pki.server("admin", "127.0.0.1", "localhost");
    operator = pki.client("operator", "operator");
    TlsConfig tls = TlsConfig.of(server.certPath().toString(), server.keyPath().toString()).withWatchInterval(Duration.ZERO);
    node = BalancerNode.start(config("lb-https", new AdminConfig("127.0.0.1", 0, TOKEN).withTls(tls)))
        .await(30, TimeUnit.SECONDS);
    mutual = BalancerNode.start(config("lb-mtls", new AdminConfig("127.0.0.1", 0, TOKEN)
            .withTls(tls.withClientAuth(pki.caPath().toString(), ClientAuth.REQUIRED))))
        .await(30, TimeUnit.SECONDS);
  }

  /** Nothing listens at the broker's address: health checks an hour apart keep it up for the test. */
  private static NodeConfig config(String id, AdminConfig admin) {
    return NodeConfig.defaults()
        .withNodeId(id)
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0)))
        .withAdmin(admin)
        .withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1, 1)))
        .withHealth(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 2, 2));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    node.stop().await(30, TimeUnit.SECONDS);
    mutual.stop().await(30, TimeUnit.SECONDS);
  }

  private static String https(BalancerNode n) {
    return "https://127.0.0.1:" + n.adminPort();
  }

  @Test
  void theCliReachesAnHttpsAdminApiWithTheCaGivenByCacert() {
    CliRun run = CliRun.of("status", "--admin", https(node), "--token", TOKEN, "--cacert", pki.caPath().toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("lb-https"), run.toString());
  }

  @Test
  void withoutTheCaTheCliSaysWhatIsMissing() {
    CliRun run = CliRun.of("status", "--admin", https(node), "--token", TOKEN);
    assertEquals(Main.EXIT_FAILURE, run.exitCode(), run.toString());
    assertTrue(run.err().contains("TLS handshake failed") && run.err().contains("--cacert"), run.toString());
  }

  @Test
  void aCacertFileThatHoldsNoCertificateIsAUsageError() {
    CliRun run = CliRun.of("status", "--admin", https(node), "--cacert", operator.keyPath().toString());
    assertEquals(Main.EXIT_USAGE, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--cacert: ") && run.err().contains("holds no PEM certificate"), run.toString());
  }

  @Test
  void curlWithTheCaGetsInPlainHttpDoesNot() throws Exception {
    assertEquals("200", curl("--cacert", pki.caPath().toString(), "-H", "Authorization: Bearer " + TOKEN,
        https(node) + "/api/v1/status"));
    assertEquals("200", curl("--cacert", pki.caPath().toString(), https(node) + "/health"));
    assertNotEquals("200", curl(https(node) + "/health")); // the JVM's and curl's CAs do not know this one
    assertNotEquals("200", curl("http://127.0.0.1:" + node.adminPort() + "/health"));
  }

  @Test
  void withClientAuthRequiredOnlyAClientWithACertificateGetsIn() throws Exception {
    String url = https(mutual) + "/health";
    assertEquals("200", curl("--cacert", pki.caPath().toString(), "--cert", operator.certPath().toString(),
        "--key", operator.keyPath().toString(), url));
    assertNotEquals("200", curl("--cacert", pki.caPath().toString(), url));
  }

  /** The HTTP status curl got, or "000" when there was no HTTP answer. */
  private static String curl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
        "--max-time", "10"));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertTrue(curl.waitFor(20, TimeUnit.SECONDS), "curl finished");
      return out;
    } finally {
      curl.destroyForcibly();
    }
  }
}
