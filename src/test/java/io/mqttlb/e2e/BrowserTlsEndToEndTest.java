package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.metrics.Metrics;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.BrowserMqttClient;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.TestPki;
import io.mqttlb.tls.HandshakeFailure;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real browser through the node over {@code wss://}: MQTT.js in headless Chromium, with MQTT
 * 3.1.1 and 5, connects to a node listener that terminates TLS and then WebSocket, in front of three
 * Mosquitto brokers, and lands on the broker that {@code GET /api/v1/route?clientId=} names (see
 * {@link BrowserTier}). Chromium trusts exactly the node's certificate, by its public key; its TLS
 * stack, not a test client's, makes the handshake. Without that trust Chromium refuses the
 * certificate, and the node counts the aborted handshake and opens no broker connection.
 *
 * <pre>
 *   Chromium page (MQTT.js) ── wss://127.0.0.1:P/mqtt ──→ node listener "wss" (TLS, WebSocket) ──→ b1 | b2 | b3
 * </pre>
 */
@EndToEnd
class BrowserTlsEndToEndTest {
  @TempDir
  static Path certificates;

  private static TestPki.Issued nodeCertificate;
  private static BrowserTier tier;

  @BeforeAll
  static void start() throws Exception {
    nodeCertificate = TestPki.create(certificates, "browser-wss").server("node-wss", "127.0.0.1");
    tier = BrowserTier.start("""
        listeners:
          - name: wss
            host: 127.0.0.1
            port: 0
            tls:
              certPath: %s
              keyPath: %s
            websocket:
              path: /mqtt
        """.formatted(nodeCertificate.certPath(), nodeCertificate.keyPath()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (tier != null) {
      tier.close();
    }
  }

  @ParameterizedTest(name = "MQTT protocol version {0}, routed to {1}")
  @CsvSource({"4, b3", "5, b1"})
  void aBrowserLandsOnTheBrokerTheRouteApiNames(int protocolVersion, String target) throws Exception {
    BrowserMqttClient.Session session = new BrowserMqttClient.Session(
        URI.create("wss://127.0.0.1:" + tier.port("wss") + "/mqtt"),
        tier.clientIdRoutedTo(target, "browser-wss-v" + protocolVersion), protocolVersion,
        List.of(nodeCertificate.certificate()));

    tier.assertLandedOn(target, session, BrowserMqttClient.run(session));
  }

  @Test
  void chromiumThatDoesNotTrustTheCertificateAbortsAndNoBrokerConnectionIsOpened() throws Exception {
    Metrics metrics = tier.tier().node.metrics();
    double refused = metrics.rejectedCount(Metrics.REASON_TLS_HANDSHAKE);
    double aborted = metrics.tls("wss").failureCount(HandshakeFailure.CLIENT_ABORTED.label());
    double brokerConnections = tier.brokerConnections();
    BrowserMqttClient.Session session = new BrowserMqttClient.Session(
        URI.create("wss://127.0.0.1:" + tier.port("wss") + "/mqtt"), "browser-wss-untrusting", 4, List.of());

    BrowserMqttClient.Outcome outcome = BrowserMqttClient.run(session);

    assertFalse(outcome.connected(), outcome::describe);
    // -202 is Chromium's ERR_CERT_AUTHORITY_INVALID: it refused the certificate's issuer.
    assertTrue(outcome.browserLog().contains("net_error -202"), "refused for its issuer: " + outcome.describe());
    Await.until("the aborted handshake is counted",
        () -> metrics.rejectedCount(Metrics.REASON_TLS_HANDSHAKE) >= refused + 1
            && metrics.tls("wss").failureCount(HandshakeFailure.CLIENT_ABORTED.label()) >= aborted + 1);
    assertEquals(brokerConnections, tier.brokerConnections(), "no broker connection was opened");
    assertEquals(List.of(), tier.seenOn(session.topic()));
  }
}
