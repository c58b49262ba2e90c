package io.mqttlb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The browser rig on its own, against Mosquitto's WebSocket listeners (no node in between): MQTT.js
 * in headless Chromium connects over ws:// and wss://, with MQTT 3.1.1 and 5, and reports the
 * broker's marker and its own message back. It also shows that the browser really verifies the
 * wss:// certificate: without the pin, the same connection is refused.
 */
@EndToEnd
class BrowserMqttClientTest {
  @TempDir
  static Path certificates;

  private static TestPki.Issued serverCertificate;
  private static MosquittoBroker broker;
  private static int wsPort;
  private static int wssPort;

  @BeforeAll
  static void startBroker() {
    TestPki pki = TestPki.create(certificates, "browser-rig");
    serverCertificate = pki.server("mosquitto-wss", "127.0.0.1");
    wsPort = Ports.free();
    wssPort = Ports.free();
    broker = MosquittoBroker.start("ws-broker", List.of(
        "listener " + wsPort + " 127.0.0.1",
        "protocol websockets",
        "listener " + wssPort + " 127.0.0.1",
        "protocol websockets",
        "certfile " + serverCertificate.certPath(),
        "keyfile " + serverCertificate.keyPath(),
        // Started as root, Mosquitto drops to its own user before it reads listener keys, and that
        // user cannot enter the test's private temporary directory. As anyone else this is a no-op.
        "user root"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @ParameterizedTest(name = "MQTT protocol version {0}")
  @ValueSource(ints = {4, 5})
  void mqttJsInChromiumMakesARoundTripOverWebSocket(int protocolVersion) {
    BrowserMqttClient.Session session = new BrowserMqttClient.Session(
        URI.create("ws://127.0.0.1:" + wsPort + "/mqtt"), "rig-ws-v" + protocolVersion, protocolVersion, List.of());

    BrowserMqttClient.Outcome outcome = BrowserMqttClient.run(session);

    assertNull(outcome.error(), outcome::describe);
    assertEquals("ws-broker", outcome.marker(), "the broker's own retained marker");
    assertEquals(session.payload(), outcome.echo());
    // User properties exist only in MQTT 5: they came back only if the page spoke version 5.
    assertEquals(session.userProperties(), outcome.echoUserProperties());
    assertEquals(protocolVersion == 5, !outcome.echoUserProperties().isEmpty());
  }

  @Test
  void mqttJsInChromiumMakesARoundTripOverTlsWhenTheServerCertificateIsPinned() {
    BrowserMqttClient.Outcome outcome = BrowserMqttClient.run(new BrowserMqttClient.Session(
        URI.create("wss://127.0.0.1:" + wssPort + "/mqtt"), "rig-wss", 4, List.of(serverCertificate.certificate())));

    assertNull(outcome.error(), outcome::describe);
    assertEquals("ws-broker", outcome.marker());
  }

  @Test
  void chromiumRefusesTheTestCertificateWithoutThePin() {
    BrowserMqttClient.Outcome outcome = BrowserMqttClient.run(new BrowserMqttClient.Session(
        URI.create("wss://127.0.0.1:" + wssPort + "/mqtt"), "rig-wss-untrusted", 4, List.of()));

    assertFalse(outcome.succeeded(), outcome::describe);
    assertFalse(outcome.connected(), "no MQTT connection over an untrusted certificate: " + outcome.describe());
    assertNull(outcome.marker());
    // Pages are not told why a WebSocket failed; Chromium's network log says: -202 is
    // ERR_CERT_AUTHORITY_INVALID, a certificate from an issuer it does not trust.
    assertTrue(outcome.browserLog().contains("net_error -202"), "refused for its issuer: " + outcome.describe());
  }
}
