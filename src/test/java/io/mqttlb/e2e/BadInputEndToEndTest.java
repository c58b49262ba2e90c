package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.metrics.Metrics;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connections that are not MQTT, or not yet: each is closed within the configured limits, no broker
 * connection is opened for it, its rejection is counted by reason, and the node goes on serving
 * real clients.
 */
@EndToEnd
class BadInputEndToEndTest {
  private static LocalTier tier;
  private static BalancerNode node;

  @BeforeAll
  static void startTier() throws Exception {
    tier = LocalTier.start(3);
    node = tier.node;
  }

  @AfterAll
  static void stopTier() throws Exception {
    tier.close();
  }

  static Stream<Arguments> badInputs() {
    byte[] random = new byte[300];
    new java.util.Random(42).nextBytes(random);
    random[0] = (byte) 0xA5; // not a CONNECT packet type
    return Stream.of(
        Arguments.of("garbage bytes", random, "not_connect"),
        Arguments.of("an HTTP request", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            "not_connect"),
        // CONNECT fixed header declaring 100,000 bytes, far over maxConnectBytes; the body never comes.
        Arguments.of("an oversized CONNECT", HexFormat.of().parseHex("10a08d06"), "too_large"),
        Arguments.of("a wrong protocol name", HexFormat.of().parseHex("100c00044d5154580402003c0000"), // "MQTX"
            "bad_protocol_name"),
        Arguments.of("a silent client", new byte[0], Metrics.REASON_CONNECT_TIMEOUT),
        Arguments.of("half a CONNECT, then silence", HexFormat.of().parseHex("101000044d515454"), Metrics.REASON_CONNECT_TIMEOUT));
  }

  @ParameterizedTest(name = "{0} is closed without reaching a broker")
  @MethodSource("badInputs")
  void badInputIsClosedWithoutABrokerConnection(String what, byte[] bytes, String reason) throws Exception {
    double brokerConnectionsBefore = brokerConnections();
    double rejectedBefore = node.metrics().rejectedCount(reason);
    long started = System.nanoTime();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
      socket.setSoTimeout((int) LocalTier.CONNECT_TIMEOUT.toMillis() + 4000);
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      assertClosedByPeer(socket.getInputStream(), what);
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(elapsedMillis < LocalTier.CONNECT_TIMEOUT.toMillis() + 4000, what + " closed after " + elapsedMillis + " ms");
    assertEquals(rejectedBefore + 1, node.metrics().rejectedCount(reason), "rejections counted as " + reason);
    assertEquals(brokerConnectionsBefore, brokerConnections(), "no broker connection was opened for " + what);
    // The node keeps serving real clients.
    String reached = Clients.brokerReachedMqtt3("after-" + reason, node.port());
    assertTrue(List.of("b1", "b2", "b3").contains(reached));
  }

  @Test
  void mqtt5ClientWithUnsupportedProtocolLevelGetsAConnackBeforeTheClose() throws Exception {
    // CONNECT "MQTT" level 6: no such protocol version. MQTT 5 §3.1.2.2 lets the server answer
    // CONNACK 0x84 (unsupported protocol version); MQTT 3.1.1 return code 0x01 has the same meaning.
    byte[] connect = HexFormat.of().parseHex("100c00044d5154540602003c0000");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(connect);
      InputStream in = socket.getInputStream();
      int type = in.read();
      assertEquals(0x20, type, "a CONNACK");
      int length = in.read();
      byte[] rest = in.readNBytes(length);
      assertTrue(rest.length >= 2 && (rest[1] == 0x01 || rest[1] == (byte) 0x84), "refused as unsupported version");
      assertClosedByPeer(in, "level 6");
    }
  }

  private static void assertClosedByPeer(InputStream in, String what) throws IOException {
    try {
      byte[] buffer = new byte[256];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        // a CONNACK may come first; the close must follow
        assertTrue(n > 0);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(what + " was not closed by the node in time", e);
    } catch (java.net.SocketException reset) {
      // connection reset by the node: closed as well
    }
  }

  private static double brokerConnections() {
    return Stream.of("b1", "b2", "b3").mapToDouble(id -> node.metrics().broker(id).total()).sum();
  }
}
