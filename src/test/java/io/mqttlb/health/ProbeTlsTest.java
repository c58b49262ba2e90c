package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.MosquittoListeners;
import io.mqttlb.testing.Ports;
import io.mqttlb.testing.TestPki;
import io.mqttlb.tls.BrokerTlsContexts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both probes of a broker with TLS settings, against a real Mosquitto with a TLS listener whose
 * certificate (for 127.0.0.1 and broker.test) comes from the trusted test CA: up when the
 * handshake succeeds, down with the handshake's reason when it does not, counted by
 * {@code mqttlb_broker_tls_failures{by="probe"}}.
 */
@EndToEnd
class ProbeTlsTest {
  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  private static Vertx vertx;
  private static NetClient client;
  private static Metrics metrics;
  private static BrokerTlsContexts contexts;
  private static MosquittoBroker broker;
  private static int tlsPort;
  private static String ca;
  private static String otherCa;

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) TIMEOUT.toMillis()));
    metrics = new Metrics();
    contexts = new BrokerTlsContexts(ForkJoinPool.commonPool());
    Path dir = Files.createTempDirectory("mqttlb-probe-tls");
    TestPki trusted = TestPki.create(dir, "trusted");
    ca = trusted.caPath().toString();
    otherCa = TestPki.create(dir, "other").caPath().toString();
    tlsPort = Ports.free();
    broker = MosquittoBroker.start("probed-tls",
        MosquittoListeners.tls(tlsPort, trusted.server("broker", "127.0.0.1", "broker.test"), trusted.caPath()));
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs a check on a Vert.x context, as the checker does: null when up, else the reason it is down. */
  private static String check(HealthProbeKind kind, BrokerConfig target) throws Exception {
    Probe probe = Probe.of(kind, vertx, client, "mqttlb-probe-tls-test", TIMEOUT, contexts, metrics);
    Promise<Void> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> probe.check(target).onComplete(done));
    Future<Void> result = done.future();
    try {
      result.await(5, TimeUnit.SECONDS);
      return null;
    } catch (Exception failed) {
      if (!result.failed()) {
        throw failed; // the check did not end: that is a bug, not a "down"
      }
      return result.cause().getMessage();
    }
  }

  private static BrokerConfig tlsBroker(String id, int port, BrokerTlsConfig tls) {
    return new BrokerConfig(id, "127.0.0.1", port, 1).withTls(tls);
  }

  @Test
  void bothProbesCallABrokerWhoseCertificateVerifiesUp() throws Exception {
    for (HealthProbeKind kind : HealthProbeKind.values()) {
      assertEquals(null, check(kind, tlsBroker("good", tlsPort, new BrokerTlsConfig(ca, null, true))), kind.label());
      assertEquals(null, check(kind, tlsBroker("named", tlsPort, new BrokerTlsConfig(ca, "broker.test", true))),
          kind.label() + ", checked against the server name");
    }
    assertEquals(0, metrics.broker("good").tlsFailureCount(Metrics.TLS_BY_PROBE));
  }

  @Test
  void anUntrustedCertificateIsDownWithTheReason() throws Exception {
    for (HealthProbeKind kind : HealthProbeKind.values()) {
      String reason = check(kind, tlsBroker("untrusted", tlsPort, new BrokerTlsConfig(otherCa, null, true)));
      assertEquals("TLS handshake with 127.0.0.1: unable to find valid certification path to requested target", reason,
          kind.label());
    }
    assertEquals(2, metrics.broker("untrusted").tlsFailureCount(Metrics.TLS_BY_PROBE));
  }

  @Test
  void aCertificateForAnotherNameIsDownWithTheReason() throws Exception {
    for (HealthProbeKind kind : HealthProbeKind.values()) {
      String reason = check(kind, tlsBroker("misnamed", tlsPort, new BrokerTlsConfig(ca, "other.test", true)));
      assertEquals("TLS handshake with other.test: No subject alternative DNS name matching other.test found.", reason,
          kind.label());
    }
  }

  @Test
  void withoutVerificationAnyCertificateIsUp() throws Exception {
    for (HealthProbeKind kind : HealthProbeKind.values()) {
      assertEquals(null, check(kind, tlsBroker("unverified", tlsPort, new BrokerTlsConfig(null, "other.test", false))),
          kind.label());
    }
  }

  @Test
  void aPlainPortProbedWithTlsIsDown() throws Exception {
    for (HealthProbeKind kind : HealthProbeKind.values()) {
      String reason = check(kind, tlsBroker("plain", broker.port(), new BrokerTlsConfig(ca, null, true)));
      assertTrue(reason != null && reason.startsWith("TLS handshake with 127.0.0.1: "), kind.label() + ": " + reason);
    }
  }

  @Test
  void aCaFileMissingOnThisNodeIsDownWithTheReason() throws Exception {
    String reason = check(HealthProbeKind.MQTT, tlsBroker("no-ca", tlsPort, new BrokerTlsConfig("/nonexistent/ca.pem", null, true)));
    assertTrue(reason != null && reason.startsWith(
        "TLS context: TLS context of broker no-ca: cannot read the CA file /nonexistent/ca.pem: "), reason);
  }

  @Test
  void theProxyHeaderGoesFirstInTheClearThenTheTlsHandshake() throws Exception {
    for (HealthProbeKind kind : HealthProbeKind.values()) {
      byte[] header = ProbeProxyHeader.of(ProxyProtocol.V2);
      byte[] first = firstBytes(kind, header.length + 3);
      assertArrayEquals(header, Arrays.copyOf(first, header.length), kind.label());
      // A TLS record: content type 22 (handshake), then the record's protocol version 3.x.
      assertEquals(22, first[header.length], kind.label());
      assertEquals(3, first[header.length + 1], kind.label());
    }
  }

  /** The first bytes (at least {@code count}) a probe of {@code kind} sends to a TLS broker that wants a v2 header. */
  private static byte[] firstBytes(HealthProbeKind kind, int count) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = server.accept()) {
          socket.setSoTimeout(2000);
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          InputStream in = socket.getInputStream();
          byte[] chunk = new byte[256];
          for (int n = in.read(chunk); n > 0 && bytes.size() < count; n = in.read(chunk)) {
            bytes.write(chunk, 0, n);
          }
          return bytes.toByteArray();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      BrokerConfig target = tlsBroker("header-then-tls", server.getLocalPort(), new BrokerTlsConfig(ca, null, true))
          .withSendProxyProtocol(ProxyProtocol.V2);
      Probe probe = Probe.of(kind, vertx, client, "mqttlb-probe-tls-test", TIMEOUT, contexts, metrics);
      vertx.getOrCreateContext().runOnContext(v -> probe.check(target));
      return received.get(5, TimeUnit.SECONDS);
    }
  }
}
