package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.config.ProxyProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The header written towards brokers, encoded by Netty's encoder and read back by its decoder. */
class ProxyHeadersTest {

  private static HAProxyMessage roundTrip(HAProxyMessage message) {
    EmbeddedChannel out = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    out.writeOutbound(message);
    ByteBuf bytes = out.readOutbound();
    EmbeddedChannel in = new EmbeddedChannel(new HAProxyMessageDecoder());
    in.writeInbound(bytes);
    return in.readInbound();
  }

  @Test
  void v1CarriesTheClientAsSourceAndTheListenerAsDestination() {
    HAProxyMessage header = ProxyHeaders.forClient(ProxyProtocol.V1,
        new InetSocketAddress("127.0.0.66", 40001), new InetSocketAddress("127.0.0.1", 1883));
    EmbeddedChannel out = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    out.writeOutbound(header);
    ByteBuf bytes = out.readOutbound();
    assertEquals("PROXY TCP4 127.0.0.66 127.0.0.1 40001 1883\r\n", bytes.toString(StandardCharsets.US_ASCII));
    bytes.release();
  }

  @Test
  void v2RoundTrips() {
    HAProxyMessage read = roundTrip(ProxyHeaders.forClient(ProxyProtocol.V2,
        new InetSocketAddress("192.0.2.7", 50000), new InetSocketAddress("10.0.0.1", 1883)));
    assertEquals(HAProxyProtocolVersion.V2, read.protocolVersion());
    assertEquals(HAProxyProxiedProtocol.TCP4, read.proxiedProtocol());
    assertEquals("192.0.2.7", read.sourceAddress());
    assertEquals(50000, read.sourcePort());
    assertEquals("10.0.0.1", read.destinationAddress());
    assertEquals(1883, read.destinationPort());
    read.release();
  }

  @Test
  void mixedFamiliesAreWrittenAsIpv6WithTheIpv4AddressMapped() {
    HAProxyMessage read = roundTrip(ProxyHeaders.forClient(ProxyProtocol.V2,
        new InetSocketAddress("192.0.2.7", 50000), new InetSocketAddress("2001:db8::1", 1883)));
    assertEquals(HAProxyProxiedProtocol.TCP6, read.proxiedProtocol());
    assertEquals("0:0:0:0:0:ffff:c000:207", read.sourceAddress());
    assertEquals("2001:db8:0:0:0:0:0:1", read.destinationAddress());
    read.release();
  }
}
