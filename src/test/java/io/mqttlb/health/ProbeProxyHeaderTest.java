package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mqttlb.config.ProxyProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The fixed headers of health probes, as the spec writes them and as Netty's codec writes and reads them. */
class ProbeProxyHeaderTest {
  @Test
  void goldenBytes() {
    assertArrayEquals(new byte[0], ProbeProxyHeader.of(ProxyProtocol.NONE));
    assertEquals("PROXY UNKNOWN\r\n", new String(ProbeProxyHeader.of(ProxyProtocol.V1), StandardCharsets.US_ASCII));
    assertEquals("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000",
        HexFormat.of().formatHex(ProbeProxyHeader.of(ProxyProtocol.V2)));
  }

  /** (Netty's encoder cannot write the bare v1 {@code UNKNOWN} line: it needs addresses.) */
  @Test
  void nettysEncoderWritesTheSameV2LocalHeader() {
    assertArrayEquals(encoded(HAProxyProtocolVersion.V2, HAProxyCommand.LOCAL), ProbeProxyHeader.of(ProxyProtocol.V2));
  }

  @Test
  void nettysDecoderReadsThemAsConnectionsWithoutAddresses() {
    HAProxyMessage v1 = decoded(ProbeProxyHeader.of(ProxyProtocol.V1));
    assertEquals(HAProxyProtocolVersion.V1, v1.protocolVersion());
    assertEquals(HAProxyProxiedProtocol.UNKNOWN, v1.proxiedProtocol());
    assertNull(v1.sourceAddress());
    v1.release();

    HAProxyMessage v2 = decoded(ProbeProxyHeader.of(ProxyProtocol.V2));
    assertEquals(HAProxyProtocolVersion.V2, v2.protocolVersion());
    assertEquals(HAProxyCommand.LOCAL, v2.command());
    assertEquals(HAProxyProxiedProtocol.UNKNOWN, v2.proxiedProtocol());
    assertNull(v2.sourceAddress());
    v2.release();
  }

  @Test
  void eachCallReturnsAFreshCopy() {
    ProbeProxyHeader.of(ProxyProtocol.V2)[0] = 0;
    assertEquals(0x0d, ProbeProxyHeader.of(ProxyProtocol.V2)[0]);
  }

  private static byte[] encoded(HAProxyProtocolVersion version, HAProxyCommand command) {
    EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    channel.writeOutbound(new HAProxyMessage(version, command, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0));
    ByteBuf out = channel.readOutbound();
    byte[] bytes = ByteBufUtil.getBytes(out);
    out.release();
    channel.finishAndReleaseAll();
    return bytes;
  }

  private static HAProxyMessage decoded(byte[] header) {
    EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
    channel.writeInbound(Unpooled.wrappedBuffer(header));
    HAProxyMessage message = channel.readInbound();
    channel.finishAndReleaseAll();
    return message;
  }
}
