package io.mqttlb.e2e;

import io.mqttlb.testing.BrowserMqttClient;
import io.mqttlb.testing.TestPki;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real browser through the node over {@code wss://}: MQTT.js in headless Chromium, with MQTT
 * 3.1.1 and 5, connects to a node listener that terminates TLS and then WebSocket, in front of three
 * Mosquitto brokers, and lands on the broker that {@code GET /api/v1/route?clientId=} names (see
 * {@link BrowserTier}). Chromium trusts exactly the node's certificate, by its public key; its TLS
 * stack, not a test client's, makes the handshake.
 *
 * <pre>
 *   Chromium page (MQTT.js) ── wss://127.0.0.1:P/mqtt ──→ node listener "wss" (TLS, WebSocket) ──→ b1 | b2 | b3
 * </pre>
 */
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
}
