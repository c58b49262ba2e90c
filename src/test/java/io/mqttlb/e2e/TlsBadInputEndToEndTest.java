package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.mqttlb.config.ClientAuth;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.config.TlsProvider;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.metrics.Metrics.TlsMeters;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoClients;
import io.mqttlb.testing.TestPki;
import io.mqttlb.testing.TlsClients;
import io.mqttlb.tls.HandshakeFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS handshakes that fail, with each TLS engine: each is closed without a broker connection, counted
 * once as {@code connect_rejected{reason="tls_handshake"}} and once under its reason in
 * {@code mqttlb_tls_handshake_failures}, and the node goes on serving. The peers are real: the HiveMQ
 * client speaking plain MQTT to a TLS port, verifying a host name the certificate lacks, presenting
 * no certificate or one from another CA; {@code mosquitto_sub} (OpenSSL) trusting another CA, or
 * presenting a certificate from another CA; the first half of a ClientHello made by the JDK's TLS
 * engine, then silence.
 */
@EndToEnd
class TlsBadInputEndToEndTest {
  @TempDir
  static Path dir;
  private static TestPki pki;
  private static TestPki otherPki;
  private static TestPki.Issued client;
  private static TestPki.Issued strangerClient;
  private static LocalTier tier;

  /** The two engines, and the names of their listeners: plain TLS, and TLS requiring a client certificate. */
  enum Engine {
    OPENSSL(TlsProvider.OPENSSL), JDK(TlsProvider.JDK);

    final TlsProvider provider;

    Engine(TlsProvider provider) {
      this.provider = provider;
    }

    String tls() {
      return "tls-" + provider.label();
    }

    String mtls() {
      return "mtls-" + provider.label();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "bad-input");
    otherPki = TestPki.create(dir, "stranger");
    TestPki.Issued server = pki.server("server", "localhost", "127.0.0.1");
    client = pki.client("client", "device-1");
    strangerClient = otherPki.client("stranger-client", "device-1");
    TlsConfig tls = TlsConfig.of(server.certPath().toString(), server.keyPath().toString());
    TlsConfig mtls = tls.withClientAuth(pki.caPath().toString(), ClientAuth.REQUIRED);
    tier = LocalTier.start(2, config -> config.withListeners(Stream.of(Engine.values()).flatMap(engine -> Stream.of(
        listener(engine.tls(), tls.withProvider(engine.provider)),
        listener(engine.mtls(), mtls.withProvider(engine.provider)))).toList()));
  }

  private static ListenerConfig listener(String name, TlsConfig tls) {
    return new ListenerConfig(name, "127.0.0.1", 0).withTls(tls);
  }

  @AfterAll
  static void stop() throws Exception {
    if (tier != null) {
      tier.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void plainMqttToATlsPort(Engine engine) throws Exception {
    expectFailure(engine.tls(), HandshakeFailure.NOT_TLS, () -> {
      Mqtt3BlockingClient plain = Mqtt3Client.builder().identifier("plain").serverHost("127.0.0.1")
          .serverPort(port(engine.tls())).buildBlocking();
      assertThrows(RuntimeException.class, () -> plain.connectWith().cleanSession(true).send());
    });
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aClientThatStartsTheHandshakeAndStalls(Engine engine) throws Exception {
    byte[] hello = clientHello();
    expectFailure(engine.tls(), HandshakeFailure.TIMEOUT, () -> {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(engine.tls()))) {
        socket.setSoTimeout((int) LocalTier.CONNECT_TIMEOUT.toMillis() + 4000);
        socket.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));
        assertClosedByPeer(socket.getInputStream());
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aClientThatDoesNotTrustTheCertificate(Engine engine) throws Exception {
    expectFailure(engine.tls(), HandshakeFailure.CLIENT_ABORTED, () -> {
      MosquittoClients.Run run = MosquittoClients.subscribeOnce("-h", "localhost", "-p", String.valueOf(port(engine.tls())),
          "--cafile", otherPki.caPath().toString(), "-i", "distrustful", "-t", "x", "-C", "1");
      assertNotEquals(0, run.exitCode(), run.output());
    });
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aClientThatVerifiesAHostNameTheCertificateLacks(Engine engine) throws Exception {
    expectFailure(engine.tls(), HandshakeFailure.CLIENT_ABORTED, () -> {
      // The certificate lists localhost and 127.0.0.1: connect to 127.0.0.1 under another name.
      Mqtt3BlockingClient wrongName = Mqtt3Client.builder().identifier("wrong-name")
          .serverAddress(new java.net.InetSocketAddress(InetAddress.getByAddress("mqtt.example.test",
              new byte[] {127, 0, 0, 1}), port(engine.tls())))
          .sslConfig(TlsClients.ssl(pki.caPath())).buildBlocking();
      assertThrows(RuntimeException.class, () -> wrongName.connectWith().cleanSession(true).send());
    });
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aRequiredClientCertificateMissing(Engine engine) throws Exception {
    expectFailure(engine.mtls(), HandshakeFailure.NO_CLIENT_CERTIFICATE, () -> {
      Mqtt3BlockingClient anonymous = TlsClients.mqtt3("anonymous", port(engine.mtls()), TlsClients.ssl(pki.caPath()));
      assertThrows(RuntimeException.class, () -> anonymous.connectWith().cleanSession(true).send());
    });
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aClientCertificateFromAnotherCa(Engine engine) throws Exception {
    expectFailure(engine.mtls(), HandshakeFailure.BAD_CLIENT_CERTIFICATE, () -> {
      MosquittoClients.Run run = MosquittoClients.subscribeOnce("-h", "localhost", "-p", String.valueOf(port(engine.mtls())),
          "--cafile", pki.caPath().toString(), "--cert", strangerClient.certPath().toString(),
          "--key", strangerClient.keyPath().toString(), "-i", "stranger", "-t", "x", "-C", "1");
      assertNotEquals(0, run.exitCode(), run.output());
    });
  }

  /** The JDK's client presents only a certificate issued by a CA the server names in its request: it sends none. */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aJavaClientWithACertificateFromAnotherCaSendsNone(Engine engine) throws Exception {
    expectFailure(engine.mtls(), HandshakeFailure.NO_CLIENT_CERTIFICATE, () -> {
      Mqtt3BlockingClient stranger = TlsClients.mqtt3("stranger", port(engine.mtls()),
          TlsClients.ssl(pki.caPath(), strangerClient));
      assertThrows(RuntimeException.class, () -> stranger.connectWith().cleanSession(true).send());
    });
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aClientCertificateFromTheCaIsAccepted(Engine engine) throws Exception {
    double rejected = tier.node.metrics().rejectedCount(Metrics.REASON_TLS_HANDSHAKE);
    String clientId = "mtls-" + engine;
    assertEquals(tier.routeApiBroker(clientId),
        TlsClients.brokerReachedMqtt3(clientId, port(engine.mtls()), TlsClients.ssl(pki.caPath(), client)));
    assertEquals(tier.routeApiBroker(clientId + "-v5"),
        TlsClients.brokerReachedMqtt5(clientId + "-v5", port(engine.mtls()), TlsClients.ssl(pki.caPath(), client)));
    assertEquals(rejected, tier.node.metrics().rejectedCount(Metrics.REASON_TLS_HANDSHAKE));
  }

  interface Attempt {
    void run() throws Exception;
  }

  /** Runs a failing attempt; checks it was counted once, under {@code reason}, and opened no broker connection. */
  private static void expectFailure(String listener, HandshakeFailure reason, Attempt attempt) throws Exception {
    TlsMeters meters = tier.node.metrics().tls(listener);
    Map<HandshakeFailure, Double> before = failures(meters);
    double rejected = tier.node.metrics().rejectedCount(Metrics.REASON_TLS_HANDSHAKE);
    double relayed = brokerConnections();
    attempt.run();
    Map<HandshakeFailure, Double> expected = new EnumMap<>(before);
    expected.merge(reason, 1.0, Double::sum);
    try {
      // The node counts the handshake failure and the rejection one after the other on its event loop: wait for both.
      Await.until(reason.label() + " counted on " + listener, () -> meters.failureCount(reason.label()) > before.get(reason)
          && tier.node.metrics().rejectedCount(Metrics.REASON_TLS_HANDSHAKE) > rejected);
    } finally {
      assertEquals(expected, failures(meters), "counted once, as " + reason.label() + " and nothing else");
    }
    assertEquals(rejected + 1, tier.node.metrics().rejectedCount(Metrics.REASON_TLS_HANDSHAKE), "one rejection");
    assertEquals(relayed, brokerConnections(), "no broker connection was opened");
    // The node goes on serving TLS clients on that listener's port (with a client certificate where required).
    String after = "after-" + reason.label() + "-" + listener;
    assertEquals(tier.routeApiBroker(after), TlsClients.brokerReachedMqtt3(after, port(listener),
        listener.startsWith("mtls") ? TlsClients.ssl(pki.caPath(), client) : TlsClients.ssl(pki.caPath())));
  }

  private static Map<HandshakeFailure, Double> failures(TlsMeters meters) {
    Map<HandshakeFailure, Double> counts = new EnumMap<>(HandshakeFailure.class);
    for (HandshakeFailure failure : HandshakeFailure.values()) {
      counts.put(failure, meters.failureCount(failure.label()));
    }
    return counts;
  }

  private static double brokerConnections() {
    return tier.node.metrics().broker("b1").total() + tier.node.metrics().broker("b2").total();
  }

  private static int port(String listener) {
    return tier.node.listenerPorts().get(listener);
  }

  /** The first flight of a real TLS client (the JDK's engine): a ClientHello record. */
  private static byte[] clientHello() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, TlsClients.trusting(pki.caPath()).getTrustManagers(), null);
    SSLEngine engine = context.createSSLEngine("localhost", 0);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    assertEquals(0x16, hello[0], "a TLS handshake record");
    return hello;
  }

  private static void assertClosedByPeer(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // an alert may come first; the close must follow
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the stalled handshake was not closed by the node in time", e);
    } catch (java.net.SocketException reset) {
      // reset by the node: closed as well
    }
  }
}
