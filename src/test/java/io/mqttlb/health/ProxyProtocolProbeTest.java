package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.HaproxyProcess;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probes against a broker that requires a PROXY protocol header, as EMQX with
 * {@code proxy_protocol = true} does: a real HAProxy in TCP mode with {@code accept-proxy} in front
 * of a real Mosquitto. HAProxy closes a connection that does not start with a valid header, and logs
 * why; with {@code log-format "%ci"} it logs the client address of each connection it accepted. A
 * health check's header carries no address, so HAProxy logs the probe's own, 127.0.0.1.
 */
@EndToEnd
class ProxyProtocolProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static Vertx vertx;
  private static NetClient client;
  private static MosquittoBroker broker;
  private HaproxyProcess haproxy;
  private int port;

  @BeforeAll
  static void startBroker() {
    vertx = Vertx.vertx();
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) TIMEOUT.toMillis()));
    broker = MosquittoBroker.start("behind-proxy-protocol");
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A HAProxy of its own per test, so that its log lines are this test's. */
  @BeforeEach
  void startHaproxy() {
    port = Ports.free();
    haproxy = HaproxyProcess.start("""
        frontend emqx_like
          bind 127.0.0.1:%d accept-proxy
          log-format "%%ci"
          default_backend broker
        backend broker
          server mosquitto 127.0.0.1:%d
        """.formatted(port, broker.port()));
  }

  @AfterEach
  void stopHaproxy() {
    haproxy.close();
  }

  private boolean check(HealthProbeKind kind, ProxyProtocol header) throws Exception {
    Probe probe = Probe.of(kind, vertx, client, "mqttlb-probe-proxy-test", TIMEOUT);
    Promise<Void> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> probe.check("127.0.0.1", port, header).onComplete(done));
    Future<Void> result = done.future();
    try {
      result.await(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception failed) {
      if (!result.failed()) {
        throw failed;
      }
      return false;
    }
  }

  @Test
  void mqttProbeWithAV2LocalHeaderIsUp() throws Exception {
    assertTrue(check(HealthProbeKind.MQTT, ProxyProtocol.V2));
    assertEquals("127.0.0.1", haproxy.awaitLine(line -> true), "HAProxy accepted the header; no address in it");
  }

  @Test
  void mqttProbeWithAV1UnknownHeaderIsUp() throws Exception {
    assertTrue(check(HealthProbeKind.MQTT, ProxyProtocol.V1));
    assertEquals("127.0.0.1", haproxy.awaitLine(line -> true));
  }

  @Test
  void mqttProbeWithoutTheHeaderIsClosedAndDown() throws Exception {
    assertFalse(check(HealthProbeKind.MQTT, ProxyProtocol.NONE));
    String line = haproxy.awaitLine(l -> true);
    assertTrue(line.contains("PROXY protocol"), line);
  }

  @Test
  void tcpProbeSendsAHeaderTheBrokerAccepts() throws Exception {
    assertTrue(check(HealthProbeKind.TCP, ProxyProtocol.V2));
    assertEquals("127.0.0.1", haproxy.awaitLine(line -> true));
    // Without it the TCP probe cannot tell, but the broker logs a protocol error for every check.
    assertTrue(check(HealthProbeKind.TCP, ProxyProtocol.NONE));
    String error = haproxy.awaitLine(line -> !line.equals("127.0.0.1"));
    assertTrue(error.contains("PROXY protocol"), error);
  }
}
