package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mqttlb.config.LimitsConfig;
import io.mqttlb.metrics.Metrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Malformed PROXY headers on Netty's embedded channel: each is closed and counted as proxy_header. */
class ProxyHeaderRejectionTest {

  /**
   * Found by fuzzing: a v2 header whose TLV declares more bytes than the header holds made the
   * decoder fail with another exception than its protocol one, and the client was closed uncounted.
   */
  @Test
  void aV2TlvRunningPastTheHeaderIsCountedAsABadHeader() {
    String header = "0D0A0D0A000D0A515549540A" + "21" + "11" + "0011" // v2 PROXY, TCP4, 17 bytes follow
        + "C0A80001" + "C0A8000B" + "DC04" + "075B" // addresses and ports
        + "01" + "FFFF" + "0000"; // a TLV of 65535 bytes in the 5 that are left
    String connect = "100D00044D5154540402003C000161";
    assertClosedAndCounted(HexFormat.of().parseHex(header + connect));
  }

  @Test
  void aMalformedV1HeaderIsCountedAsABadHeader() {
    assertClosedAndCounted("PROXY TCP4 999.1.1.1 1.1.1.1 1 2\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static void assertClosedAndCounted(byte[] sent) {
    EmbeddedChannel channel = new EmbeddedChannel() {
      @Override
      protected SocketAddress remoteAddress0() {
        return new InetSocketAddress("127.0.0.1", 50000);
      }

      @Override
      protected SocketAddress localAddress0() {
        return new InetSocketAddress("127.0.0.1", 1883);
      }
    };
    Metrics metrics = new Metrics();
    ProxyRuntime runtime = ProxyRuntime.of(null, LimitsConfig.defaults(), metrics, null);
    ClientConnection connection = new ClientConnection(channel, runtime, null, new RelayedClients(channel.eventLoop()),
        true);
    channel.pipeline().addLast("proxy-decoder", new HAProxyMessageDecoder());
    channel.pipeline().addLast("proxy-header", new ProxyHeaderReader(connection));
    channel.pipeline().addLast("connect", connection.reader());
    connection.start();
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(sent));
      channel.runPendingTasks();
      assertFalse(channel.isOpen(), "closed");
      assertEquals(1.0, metrics.rejectedCount(Metrics.REASON_PROXY_HEADER));
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
