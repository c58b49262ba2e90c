package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.testing.TestPki;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header written towards brokers, encoded by Netty's encoder and read back by its decoder; for a
 * client that came over TLS, the v2 header's {@code PP2_TYPE_SSL} TLV, also compared byte by byte with
 * what HAProxy writes for the same handshake.
 */
class ProxyHeadersTest {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 50000);
  private static final InetSocketAddress LISTENER = new InetSocketAddress("10.0.0.1", 8883);

  @TempDir
  static Path dir;
  private static TestPki.Issued device;
  private static TestPki.Issued server;
  private static TestPki.Issued rsaServer;

  @BeforeAll
  static void certificates() {
    TestPki pki = TestPki.create(dir, "headers");
    device = pki.client("device", "device-7");
    server = pki.server("server", "127.0.0.1");
    rsaServer = pki.serverWithPkcs1Key("rsa-server", "127.0.0.1");
  }

  private static ByteBuf encode(HAProxyMessage message) {
    EmbeddedChannel out = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    out.writeOutbound(message);
    return out.readOutbound();
  }

  private static HAProxyMessage decode(ByteBuf bytes) {
    EmbeddedChannel in = new EmbeddedChannel(new HAProxyMessageDecoder());
    in.writeInbound(bytes);
    return in.readInbound();
  }

  private static HAProxyMessage roundTrip(HAProxyMessage message) {
    return decode(encode(message));
  }

  /** The sub-TLVs of the one SSL TLV, by type in the order written, as text. */
  private static Map<Integer, String> subTlvs(HAProxySSLTLV ssl) {
    Map<Integer, String> values = new LinkedHashMap<>();
    for (HAProxyTLV tlv : ssl.encapsulatedTLVs()) {
      values.put(tlv.typeByteValue() & 0xFF, tlv.content().toString(StandardCharsets.UTF_8));
    }
    return values;
  }

  /** The one SSL TLV. Netty's decoder lists its sub-TLVs twice: inside it, and again after it at the top level. */
  private static HAProxySSLTLV onlySslTlv(HAProxyMessage read) {
    HAProxySSLTLV ssl = assertInstanceOf(HAProxySSLTLV.class, read.tlvs().get(0), read.tlvs().toString());
    assertEquals(ssl.encapsulatedTLVs(), read.tlvs().subList(1, read.tlvs().size()), "nothing but the SSL TLV");
    return ssl;
  }

  @Test
  void v1CarriesTheClientAsSourceAndTheListenerAsDestination() {
    HAProxyMessage header = ProxyHeaders.forClient(ProxyProtocol.V1,
        new InetSocketAddress("127.0.0.66", 40001), new InetSocketAddress("127.0.0.1", 1883), null);
    ByteBuf bytes = encode(header);
    assertEquals("PROXY TCP4 127.0.0.66 127.0.0.1 40001 1883\r\n", bytes.toString(StandardCharsets.US_ASCII));
    bytes.release();
  }

  @Test
  void v1HasNoRoomForTlsFacts() {
    ClientTls tls = new ClientTls("TLSv1.3", "TLS_AES_128_GCM_SHA256", device.certificate(), server.certificate());
    ByteBuf bytes = encode(ProxyHeaders.forClient(ProxyProtocol.V1, CLIENT, LISTENER, tls));
    assertEquals("PROXY TCP4 192.0.2.7 10.0.0.1 50000 8883\r\n", bytes.toString(StandardCharsets.US_ASCII));
    bytes.release();
  }

  @Test
  void v2RoundTrips() {
    HAProxyMessage read = roundTrip(ProxyHeaders.forClient(ProxyProtocol.V2, CLIENT, LISTENER, null));
    assertEquals(HAProxyProtocolVersion.V2, read.protocolVersion());
    assertEquals(HAProxyProxiedProtocol.TCP4, read.proxiedProtocol());
    assertEquals("192.0.2.7", read.sourceAddress());
    assertEquals(50000, read.sourcePort());
    assertEquals("10.0.0.1", read.destinationAddress());
    assertEquals(8883, read.destinationPort());
    assertTrue(read.tlvs().isEmpty(), "a plain client's header has no TLVs");
    read.release();
  }

  @Test
  void mixedFamiliesAreWrittenAsIpv6WithTheIpv4AddressMapped() {
    HAProxyMessage read = roundTrip(ProxyHeaders.forClient(ProxyProtocol.V2,
        new InetSocketAddress("192.0.2.7", 50000), new InetSocketAddress("2001:db8::1", 1883), null));
    assertEquals(HAProxyProxiedProtocol.TCP6, read.proxiedProtocol());
    assertEquals("0:0:0:0:0:ffff:c000:207", read.sourceAddress());
    assertEquals("2001:db8:0:0:0:0:0:1", read.destinationAddress());
    read.release();
  }

  @Test
  void aClientWithAVerifiedCertificateIsDescribedAsNettysDecoderReadsIt() {
    ClientTls tls = new ClientTls("TLSv1.3", "TLS_AES_128_GCM_SHA256", device.certificate(), server.certificate());
    HAProxyMessage read = roundTrip(ProxyHeaders.forClient(ProxyProtocol.V2, CLIENT, LISTENER, tls));
    assertEquals("192.0.2.7", read.sourceAddress(), "the addresses still come first");
    HAProxySSLTLV ssl = onlySslTlv(read);
    assertTrue(ssl.isPP2ClientSSL());
    assertTrue(ssl.isPP2ClientCertConn());
    assertTrue(ssl.isPP2ClientCertSess());
    assertEquals(0, ssl.verify(), "0: the certificate was verified");
    assertEquals(Map.of(
        0x21, "TLSv1.3",
        0x22, "device-7",
        0x25, "EC256",
        0x24, "ecdsa-with-SHA256",
        0x23, "TLS_AES_128_GCM_SHA256"), subTlvs(ssl));
    assertEquals(List.of(0x21, 0x22, 0x25, 0x24, 0x23), List.copyOf(subTlvs(ssl).keySet()), "HAProxy's order");
    read.release();
  }

  @Test
  void aClientWithoutCertificateIsMarkedUnverifiedAndHasNoCn() {
    ClientTls tls = new ClientTls("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", null, rsaServer.certificate());
    HAProxySSLTLV ssl = onlySslTlv(roundTrip(ProxyHeaders.forClient(ProxyProtocol.V2, CLIENT, LISTENER, tls)));
    assertTrue(ssl.isPP2ClientSSL());
    assertFalse(ssl.isPP2ClientCertConn());
    assertFalse(ssl.isPP2ClientCertSess());
    assertTrue(ssl.verify() != 0, "no certificate was verified");
    assertEquals(Map.of(
        0x21, "TLSv1.2",
        0x25, "RSA2048",
        0x24, "ecdsa-with-SHA256", // the test CA signs with ECDSA whatever the key
        0x23, "ECDHE-RSA-AES128-GCM-SHA256"), subTlvs(ssl));
  }

  @Test
  void factsThatAreNotKnownAreLeftOut() {
    ClientTls tls = new ClientTls("TLSv1.3", null, device.certificate(), null);
    HAProxySSLTLV ssl = onlySslTlv(roundTrip(ProxyHeaders.forClient(ProxyProtocol.V2, CLIENT, LISTENER, tls)));
    assertEquals(Map.of(0x21, "TLSv1.3", 0x22, "device-7"), subTlvs(ssl));
  }

  @Test
  void aCnTooLongForTheHeaderIsLeftOutAndTheHeaderStaysValid() throws Exception {
    String huge = "x".repeat(ProxyHeaders.MAX_VALUE_BYTES + 1);
    ClientTls tls = new ClientTls("TLSv1.3", "TLS_AES_128_GCM_SHA256", selfSigned(huge), null);
    assertEquals(huge, tls.commonName(), "routing still has the CN");
    HAProxySSLTLV ssl = onlySslTlv(roundTrip(ProxyHeaders.forClient(ProxyProtocol.V2, CLIENT, LISTENER, tls)));
    assertEquals(Map.of(0x21, "TLSv1.3", 0x23, "TLS_AES_128_GCM_SHA256"), subTlvs(ssl));
    assertTrue(ssl.isPP2ClientCertConn(), "the certificate was there all the same");
  }

  /** A certificate whose CN is longer than RFC 5280 allows (and so than {@link TestPki} issues): CAs do not all check. */
  private static X509Certificate selfSigned(String commonName) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair keys = generator.generateKeyPair();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(new AttributeTypeAndValue(BCStyle.CN, new DERUTF8String(commonName))).build();
    Instant now = Instant.now();
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
        Date.from(now), Date.from(now.plusSeconds(3600)), subject, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  /**
   * One header byte by byte, laid out as the PROXY protocol specification's {@code pp2_tlv_ssl} has it.
   * From {@code 20} on, these are the bytes HAProxy 2.6 wrote with {@code send-proxy-v2-ssl-cn} and
   * {@code proxy-v2-options ssl-cipher,cert-sig,cert-key} for a TLS 1.3 client whose certificate's CN is
   * {@code outer}, on a listener with an EC P-256 certificate signed with ECDSA-SHA256.
   */
  @Test
  void theSslTlvByteByByte() {
    TestPki pki = TestPki.create(dir, "bytes");
    ClientTls tls = new ClientTls("TLSv1.3", "TLS_AES_256_GCM_SHA384", pki.client("outer", "outer").certificate(),
        server.certificate());
    String expected = """
        0d0a0d0a000d0a515549540a   # v2 signature
        21                         # version 2, command PROXY
        11                         # TCP over IPv4
        005b                       # 91 bytes follow: 12 of addresses, 79 of TLV
        c0000207 0a000001          # 192.0.2.7 -> 10.0.0.1
        c350 22b3                  # ports 50000 -> 8883
        20 004c                    # PP2_TYPE_SSL, 76 bytes follow
        07                         # client: PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS
        00000000                   # verify: 0, verified
        21 0007 544c5376312e33     # PP2_SUBTYPE_SSL_VERSION "TLSv1.3"
        22 0005 6f75746572         # PP2_SUBTYPE_SSL_CN "outer"
        25 0005 4543323536         # PP2_SUBTYPE_SSL_KEY_ALG "EC256"
        24 0011 65636473612d776974682d534841323536              # PP2_SUBTYPE_SSL_SIG_ALG "ecdsa-with-SHA256"
        23 0016 544c535f4145535f3235365f47434d5f534841333834    # PP2_SUBTYPE_SSL_CIPHER "TLS_AES_256_GCM_SHA384"
        """;
    ByteBuf bytes = encode(ProxyHeaders.forClient(ProxyProtocol.V2, CLIENT, LISTENER, tls));
    assertEquals(hex(expected), ByteBufUtil.hexDump(bytes));
    bytes.release();
  }

  @Test
  void namesAsOpenSslWritesThem() {
    assertEquals("TLS_AES_128_GCM_SHA256", OpenSslNames.cipherSuite("TLS_AES_128_GCM_SHA256"));
    assertEquals("ECDHE-ECDSA-AES256-GCM-SHA384", OpenSslNames.cipherSuite("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
    assertEquals("ECDHE-ECDSA-CHACHA20-POLY1305", OpenSslNames.cipherSuite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
    assertEquals("NOT_A_SUITE", OpenSslNames.cipherSuite("NOT_A_SUITE"), "unknown to the converter: Java's name");
    assertEquals("EC256", OpenSslNames.keyAlgorithm(server.certificate()));
    assertEquals("RSA2048", OpenSslNames.keyAlgorithm(rsaServer.certificate()));
    assertEquals("ecdsa-with-SHA256", OpenSslNames.signatureAlgorithm(server.certificate()));
  }

  private static String hex(String annotated) {
    String digits = annotated.replaceAll("#[^\\n]*", "").replaceAll("\\s+", "");
    return HexFormat.of().formatHex(HexFormat.of().parseHex(digits));
  }
}
