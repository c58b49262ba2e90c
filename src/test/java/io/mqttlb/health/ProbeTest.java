package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both probes against real servers on loopback: a real Mosquitto, a port nobody listens on, and a
 * plain {@link ServerSocket} that accepts and then stays silent or answers what a test tells it.
 */
@EndToEnd
class ProbeTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  /** The test servers' accepted sockets, kept open until the test class ends. */
  private static final List<Socket> HELD = new CopyOnWriteArrayList<>();
  private static Vertx vertx;
  private static NetClient client;
  private static MosquittoBroker broker;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) TIMEOUT.toMillis()));
    broker = MosquittoBroker.start("probed");
  }

  @AfterAll
  static void stop() throws Exception {
    for (Socket socket : HELD) {
      socket.close();
    }
    broker.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs a check on a Vert.x context, as the checker does; true when it called the broker up. */
  private static boolean check(HealthProbeKind kind, int port) throws Exception {
    Probe probe = Probe.of(kind, vertx, client, "mqttlb-probe-test", TIMEOUT);
    Promise<Void> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> probe.check("127.0.0.1", port).onComplete(done));
    Future<Void> result = done.future();
    try {
      result.await(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception failed) {
      if (!result.failed()) {
        throw failed; // the check did not end: that is a bug, not a "down"
      }
      return false;
    }
  }

  /** A server that accepts one connection after another, reads what comes, and answers {@code reply} (or nothing). */
  private static ServerSocket server(byte[] reply) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          HELD.add(socket); // held: an unreferenced socket is closed when the GC collects it
          InputStream in = socket.getInputStream();
          in.read(new byte[256]);
          if (reply != null) {
            OutputStream out = socket.getOutputStream();
            out.write(reply);
            out.flush();
          }
          // keep the socket open: the probe must decide from the bytes, not from a close
        } catch (IOException closed) {
          return;
        }
      }
    }, "probe-test-server");
    thread.setDaemon(true);
    thread.start();
    return server;
  }

  @Test
  void mqttProbeCallsARealBrokerUp() throws Exception {
    assertTrue(check(HealthProbeKind.MQTT, broker.port()));
  }

  @Test
  void bothProbesCallAClosedPortDown() throws Exception {
    try (java.net.Socket refusing = Ports.refusing()) {
      int nobody = refusing.getLocalPort();
      assertFalse(check(HealthProbeKind.MQTT, nobody));
      assertFalse(check(HealthProbeKind.TCP, nobody));
    }
  }

  @Test
  void mqttProbeCallsASilentServerDownAfterItsTimeout() throws Exception {
    try (ServerSocket silent = server(null)) {
      long started = System.nanoTime();
      assertFalse(check(HealthProbeKind.MQTT, silent.getLocalPort()));
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(millis >= TIMEOUT.toMillis() - 50 && millis < TIMEOUT.toMillis() + 1000, "took " + millis + " ms");
      assertTrue(check(HealthProbeKind.TCP, silent.getLocalPort()), "the TCP probe cannot tell");
    }
  }

  @Test
  void mqttProbeCallsGarbageDown() throws Exception {
    try (ServerSocket http = server("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes())) {
      long started = System.nanoTime();
      assertFalse(check(HealthProbeKind.MQTT, http.getLocalPort()));
      assertTrue((System.nanoTime() - started) / 1_000_000 < TIMEOUT.toMillis(), "garbage is refused at once");
    }
  }

  @Test
  void mqttProbeCallsServerUnavailableDownAndOtherRefusalsUp() throws Exception {
    try (ServerSocket unavailable = server(HexFormat.of().parseHex("20020003"))) {
      assertFalse(check(HealthProbeKind.MQTT, unavailable.getLocalPort()));
    }
    try (ServerSocket notAuthorized = server(HexFormat.of().parseHex("20020005"))) {
      assertTrue(check(HealthProbeKind.MQTT, notAuthorized.getLocalPort()));
    }
  }

  @Test
  void mqttProbeWaitsForACompleteConnack() throws Exception {
    try (ServerSocket half = server(HexFormat.of().parseHex("2002"))) {
      assertFalse(check(HealthProbeKind.MQTT, half.getLocalPort()));
    }
  }

  /** The first bytes (at most {@code limit}) that a probe of {@code kind} sends with this header. */
  private static byte[] firstBytes(HealthProbeKind kind, ProxyProtocol header, int limit) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
        try (Socket socket = server.accept()) {
          socket.setSoTimeout(2000);
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          InputStream in = socket.getInputStream();
          byte[] chunk = new byte[256];
          for (int n = in.read(chunk); n > 0 && bytes.size() < limit; n = in.read(chunk)) {
            bytes.write(chunk, 0, n);
          }
          return bytes.toByteArray();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      Probe probe = Probe.of(kind, vertx, client, "mqttlb-probe-test", TIMEOUT);
      vertx.getOrCreateContext().runOnContext(v -> probe.check("127.0.0.1", server.getLocalPort(), header));
      return received.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void bothProbesStartWithTheHeaderOfTheBrokersPROXYProtocolVersion() throws Exception {
    byte[] connect = ProbePackets.connect("mqttlb-probe-test");
    for (ProxyProtocol version : ProxyProtocol.values()) {
      byte[] header = ProbeProxyHeader.of(version);
      byte[] expected = Arrays.copyOf(header, header.length + connect.length);
      System.arraycopy(connect, 0, expected, header.length, connect.length);
      assertArrayEquals(expected, firstBytes(HealthProbeKind.MQTT, version, expected.length), "mqtt probe, " + version);
      // The TCP probe writes the header (if any) and closes.
      assertArrayEquals(header, firstBytes(HealthProbeKind.TCP, version, Integer.MAX_VALUE), "tcp probe, " + version);
    }
  }

  @Test
  void tcpProbeCallsARealBrokerUp() throws Exception {
    assertTrue(check(HealthProbeKind.TCP, broker.port()));
  }
}
