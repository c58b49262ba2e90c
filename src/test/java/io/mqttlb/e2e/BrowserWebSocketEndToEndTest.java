package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mqttlb.metrics.Metrics;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.BrowserMqttClient;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.Ports;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real browser through the node over {@code ws://}: MQTT.js (its browser bundle) in headless
 * Chromium, with MQTT 3.1.1 and 5, connects to a node's WebSocket listener in front of three
 * Mosquitto brokers and lands on the broker that {@code GET /api/v1/route?clientId=} names, as the
 * brokers themselves show (see {@link BrowserTier}). A second listener allows one origin only: a
 * page from that origin gets through, a page from any other is refused before any broker connection
 * is opened, and the refusal is counted.
 *
 * <pre>
 *   Chromium page (MQTT.js) ── ws://127.0.0.1:P/mqtt ──→ node listener "ws"         ──→ b1 | b2 | b3
 *   page from http://127.0.0.1:O ── ws://127.0.0.1:Q/mqtt ──→ listener "ws-one-origin" (allows only O)
 * </pre>
 */
@EndToEnd
class BrowserWebSocketEndToEndTest {
  /** The port the allowed page is served from: its origin is {@code http://127.0.0.1:PORT}. */
  private static final int ALLOWED_PAGE_PORT = Ports.free();

  private static BrowserTier tier;

  @BeforeAll
  static void start() throws Exception {
    tier = BrowserTier.start("""
        listeners:
          - name: ws
            host: 127.0.0.1
            port: 0
            websocket:
              path: /mqtt
          - name: ws-one-origin
            host: 127.0.0.1
            port: 0
            websocket:
              path: /mqtt
              allowedOrigins: [http://127.0.0.1:%d]
        """.formatted(ALLOWED_PAGE_PORT));
  }

  @AfterAll
  static void stop() throws Exception {
    if (tier != null) {
      tier.close();
    }
  }

  private static BrowserMqttClient.Session session(String listener, String clientId, int protocolVersion) {
    return new BrowserMqttClient.Session(URI.create("ws://127.0.0.1:" + tier.port(listener) + "/mqtt"), clientId,
        protocolVersion, List.of());
  }

  @ParameterizedTest(name = "MQTT protocol version {0}, routed to {1}")
  @CsvSource({"4, b1", "5, b2"})
  void aBrowserLandsOnTheBrokerTheRouteApiNames(int protocolVersion, String target) throws Exception {
    BrowserMqttClient.Session session = session("ws", tier.clientIdRoutedTo(target, "browser-ws-v" + protocolVersion),
        protocolVersion);

    tier.assertLandedOn(target, session, BrowserMqttClient.run(session));
  }

  @Test
  void aPageFromTheAllowedOriginGetsThrough() throws Exception {
    BrowserMqttClient.Session session = session("ws-one-origin", tier.clientIdRoutedTo("b3", "browser-origin"), 5);

    tier.assertLandedOn("b3", session, BrowserMqttClient.run(session, ALLOWED_PAGE_PORT));
  }

  @Test
  void aPageFromAnotherOriginIsRefusedWithoutABrokerConnection() throws Exception {
    double refused = tier.tier().node.metrics().rejectedCount(Metrics.REASON_WEBSOCKET_ORIGIN);
    double brokerConnections = tier.brokerConnections();
    BrowserMqttClient.Session session = session("ws-one-origin", "browser-foreign-origin", 4);

    BrowserMqttClient.Outcome outcome = BrowserMqttClient.run(session); // served from another port: another origin

    assertFalse(outcome.connected(), outcome::describe);
    assertNull(outcome.marker());
    Await.until("the refusal is counted", () -> tier.tier().node.metrics()
        .rejectedCount(Metrics.REASON_WEBSOCKET_ORIGIN) >= refused + 1);
    assertEquals(brokerConnections, tier.brokerConnections(), "no broker connection was opened");
    assertEquals(List.of(), tier.seenOn(session.topic()));
  }
}
