package io.mqttlb.proxy;

import io.mqttlb.config.ProxyProtocol;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The PROXY protocol header a node writes before a client's CONNECT to a broker that wants one:
 * source = the client's address (as told by an upstream PROXY header, if any), destination = the
 * address the client connected to. When one address is IPv4 and the other IPv6 (a dual-stack
 * listener), the IPv4 one is written as its IPv4-mapped IPv6 form, since a header has one family.
 *
 * <p>A v2 header for a client that came over TLS also carries what the handshake established, as
 * HAProxy's {@code send-proxy-v2-ssl-cn} with {@code proxy-v2-options ssl-cipher,cert-sig,cert-key}
 * writes it: one {@code PP2_TYPE_SSL} TLV whose value is the client flags, a 32-bit verify result,
 * and sub-TLVs, in HAProxy's order. A broker such as EMQX reads the client's identity from its
 * {@code PP2_SUBTYPE_SSL_CN} ({@code peer_cert_as_clientid}) when TLS ends in front of it. For a
 * client with the certificate {@code CN=device-7}:
 *
 * <pre>
 *   20 00 4f                    PP2_TYPE_SSL, 79 bytes follow
 *   07                          client: PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS
 *   00 00 00 00                 verify: 0, the certificate was verified
 *   21 00 07 "TLSv1.3"          PP2_SUBTYPE_SSL_VERSION
 *   22 00 08 "device-7"         PP2_SUBTYPE_SSL_CN, UTF-8
 *   25 00 05 "EC256"            PP2_SUBTYPE_SSL_KEY_ALG: the key of the certificate the listener presented
 *   24 00 11 "ecdsa-with-SHA256"  PP2_SUBTYPE_SSL_SIG_ALG: how that certificate was signed
 *   23 00 16 "TLS_AES_256_GCM_SHA384"  PP2_SUBTYPE_SSL_CIPHER
 * </pre>
 *
 * A client without a certificate gets client {@code 01}, no CN, and verify 1: the specification
 * wants a non-zero value unless a certificate was presented and verified (HAProxy writes 0 there,
 * OpenSSL's result for a handshake that checked nothing). A v1 header is text and has no TLVs.
 */
final class ProxyHeaders {
  static final byte PP2_TYPE_SSL = 0x20;
  static final byte PP2_SUBTYPE_SSL_VERSION = 0x21;
  static final byte PP2_SUBTYPE_SSL_CN = 0x22;
  static final byte PP2_SUBTYPE_SSL_CIPHER = 0x23;
  static final byte PP2_SUBTYPE_SSL_SIG_ALG = 0x24;
  static final byte PP2_SUBTYPE_SSL_KEY_ALG = 0x25;
  static final byte PP2_CLIENT_SSL = 0x01;
  static final byte PP2_CLIENT_CERT_CONN = 0x02;
  static final byte PP2_CLIENT_CERT_SESS = 0x04;
  static final int VERIFIED = 0;
  static final int NOT_VERIFIED = 1;
  /**
   * The longest sub-TLV value written: a TLV's length has 16 bits and so has the header's, which also
   * holds the addresses and the other sub-TLVs (short names). Only a CN can be longer, and one that
   * long is left out rather than written into a header it would corrupt.
   */
  static final int MAX_VALUE_BYTES = 0xFFFF - 512;

  private ProxyHeaders() {
  }

  /**
   * @param tls what the client's TLS handshake established; null for a client on a plain listener
   */
  static HAProxyMessage forClient(ProxyProtocol version, InetSocketAddress client, InetSocketAddress local,
                                  ClientTls tls) {
    HAProxyProtocolVersion wire = version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
    InetAddress source = client.getAddress();
    InetAddress destination = local.getAddress();
    boolean ipv4 = source instanceof Inet4Address && destination instanceof Inet4Address;
    if (!ipv4) {
      source = asIpv6(source);
      destination = asIpv6(destination);
    }
    List<HAProxyTLV> tlvs = wire == HAProxyProtocolVersion.V2 && tls != null ? List.of(ssl(tls)) : List.of();
    return new HAProxyMessage(wire, HAProxyCommand.PROXY,
        ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
        source.getHostAddress(), destination.getHostAddress(), client.getPort(), local.getPort(), tlvs);
  }

  /** The {@code PP2_TYPE_SSL} TLV; sub-TLVs whose value is not known are left out. */
  static HAProxySSLTLV ssl(ClientTls tls) {
    boolean certified = tls.peerCertificate() != null;
    byte client = certified ? (byte) (PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS) : PP2_CLIENT_SSL;
    X509Certificate presented = tls.localCertificate();
    List<HAProxyTLV> sub = new ArrayList<>(5);
    add(sub, PP2_SUBTYPE_SSL_VERSION, tls.protocol(), StandardCharsets.US_ASCII);
    add(sub, PP2_SUBTYPE_SSL_CN, tls.commonName(), StandardCharsets.UTF_8);
    add(sub, PP2_SUBTYPE_SSL_KEY_ALG, OpenSslNames.keyAlgorithm(presented), StandardCharsets.US_ASCII);
    add(sub, PP2_SUBTYPE_SSL_SIG_ALG, OpenSslNames.signatureAlgorithm(presented), StandardCharsets.US_ASCII);
    add(sub, PP2_SUBTYPE_SSL_CIPHER, OpenSslNames.cipherSuite(tls.cipherSuite()), StandardCharsets.US_ASCII);
    return new HAProxySSLTLV(certified ? VERIFIED : NOT_VERIFIED, client, sub);
  }

  private static void add(List<HAProxyTLV> tlvs, byte type, String value, Charset charset) {
    if (value == null || value.isEmpty()) {
      return;
    }
    byte[] bytes = value.getBytes(charset);
    if (bytes.length <= MAX_VALUE_BYTES) {
      tlvs.add(new HAProxyTLV(type, Unpooled.wrappedBuffer(bytes)));
    }
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
