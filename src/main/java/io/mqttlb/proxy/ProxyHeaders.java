package io.mqttlb.proxy;

import io.mqttlb.config.ProxyProtocol;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The PROXY protocol header a node writes before a client's CONNECT to a broker that wants one:
 * source = the client's address (as told by an upstream PROXY header, if any), destination = the
 * address the client connected to. When one address is IPv4 and the other IPv6 (a dual-stack
 * listener), the IPv4 one is written as its IPv4-mapped IPv6 form, since a header has one family.
 */
final class ProxyHeaders {
  private ProxyHeaders() {
  }

  static HAProxyMessage forClient(ProxyProtocol version, InetSocketAddress client, InetSocketAddress local) {
    HAProxyProtocolVersion wire = version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
    InetAddress source = client.getAddress();
    InetAddress destination = local.getAddress();
    boolean ipv4 = source instanceof Inet4Address && destination instanceof Inet4Address;
    if (!ipv4) {
      source = asIpv6(source);
      destination = asIpv6(destination);
    }
    return new HAProxyMessage(wire, HAProxyCommand.PROXY,
        ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
        source.getHostAddress(), destination.getHostAddress(), client.getPort(), local.getPort());
  }

  private static InetAddress asIpv6(InetAddress address) {
    if (address instanceof Inet6Address) {
      return address;
    }
    byte[] v4 = address.getAddress();
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    System.arraycopy(v4, 0, mapped, 12, 4);
    try {
      return Inet6Address.getByAddress(null, mapped, -1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes are always a valid IPv6 address
    }
  }
}
