package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.TestPki;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a real handshake leaves for routing and the PROXY header, with both TLS providers a listener
 * may run (the JDK's, and BoringSSL through netty-tcnative): the client's verified certificate and
 * its CN, the certificate the listener presented, the version and the cipher suite. A listener that
 * asks for a certificate without requiring one ({@code clientAuth: request}) still never lets one its
 * CA did not sign into the session, so a certificate there is always a verified one.
 */
class ClientTlsTest {
  @TempDir
  static Path dir;
  private static TestPki pki;
  private static TestPki.Issued server;
  private static TestPki.Issued device;
  private static TestPki.Issued stranger;

  @BeforeAll
  static void certificates() {
    pki = TestPki.create(dir, "client-tls");
    server = pki.server("server", "localhost");
    device = pki.client("device", "device-7");
    stranger = TestPki.create(dir.resolve("other"), "other").client("stranger", "device-7");
  }

  /** The listener's session after a handshake with a client holding {@code certificate} (or none); null if it failed. */
  private static SSLSession handshake(SslProvider provider, TestPki.Issued certificate) throws Exception {
    return handshake(provider, certificate == null ? null
        : SslContextBuilder.forClient().keyManager(certificate.certPath().toFile(), certificate.keyPath().toFile()));
  }

  private static SSLSession handshake(SslProvider provider, SslContextBuilder clientBuilder) throws Exception {
    if (clientBuilder == null) {
      clientBuilder = SslContextBuilder.forClient();
    }
    return handshake(listenerContext(provider),
        clientBuilder.sslProvider(provider).trustManager(pki.caPath().toFile()).build());
  }

  /** As a listener with {@code clientAuth: request} is set up: the CA, and a certificate asked for, not required. */
  private static SslContext listenerContext(SslProvider provider) throws Exception {
    return SslContextBuilder.forServer(server.certPath().toFile(), server.keyPath().toFile())
        .sslProvider(provider).trustManager(pki.caPath().toFile()).clientAuth(ClientAuth.OPTIONAL).build();
  }

  /** The listener's session after a handshake between the two contexts, over memory; null if it failed. */
  private static SSLSession handshake(SslContext listenerContext, SslContext clientContext) {
    SslHandler listenerTls = listenerContext.newHandler(ByteBufAllocator.DEFAULT);
    SslHandler clientTls = clientContext.newHandler(ByteBufAllocator.DEFAULT, "localhost", 8883);
    EmbeddedChannel listener = new EmbeddedChannel(listenerTls);
    EmbeddedChannel client = new EmbeddedChannel(clientTls);
    try {
      for (int round = 0; round < 10 && !(listenerTls.handshakeFuture().isDone() && clientTls.handshakeFuture().isDone()); round++) {
        shuttle(client, listener);
        shuttle(listener, client);
      }
      shuttle(listener, client); // the session tickets a listener sends after its handshake
    } catch (Exception refused) {
      return null; // EmbeddedChannel rethrows the handshake failure
    }
    return listenerTls.handshakeFuture().isSuccess() ? listenerTls.engine().getSession() : null;
  }

  private static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
    for (ByteBuf bytes = from.readOutbound(); bytes != null; bytes = from.readOutbound()) {
      to.writeInbound(bytes);
    }
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void aClientCertificateIsThereWithItsCn(SslProvider provider) throws Exception {
    ClientTls tls = ClientTls.of(handshake(provider, device));
    assertEquals("device-7", tls.commonName());
    assertEquals(device.certificate(), tls.peerCertificate());
    assertEquals(server.certificate(), tls.localCertificate(), "the certificate the listener presented");
    assertEquals("TLSv1.3", tls.protocol());
    assertTrue(tls.cipherSuite().startsWith("TLS_"), tls.cipherSuite());
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void aClientWithoutCertificateHasNoCn(SslProvider provider) throws Exception {
    ClientTls tls = ClientTls.of(handshake(provider, (TestPki.Issued) null));
    assertNull(tls.peerCertificate());
    assertNull(tls.commonName());
    assertEquals(server.certificate(), tls.localCertificate());
    assertFalse(ProxyHeaders.ssl(tls).isPP2ClientCertConn());
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void aCertificateFromAnotherCaNeverReachesTheSessionEvenWhenOnlyRequested(SslProvider provider) throws Exception {
    // The listener names its CA in the certificate request, and a client's default key manager offers
    // nothing that CA did not issue: the handshake goes on without a certificate.
    SSLSession unsent = handshake(provider, stranger);
    assertNotNull(unsent);
    assertNull(ClientTls.of(unsent).peerCertificate());
    // A client that sends it anyway (as OpenSSL's s_client does) fails the handshake.
    assertNull(handshake(provider, SslContextBuilder.forClient().keyManager(new Insistent(stranger))), "refused");
    assertNotNull(handshake(provider, SslContextBuilder.forClient().keyManager(new Insistent(device))),
        "while one the CA signed passes");
  }

  /** A client key manager that offers its certificate whatever CAs the listener names. */
  private static final class Insistent extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final TestPki.Issued issued;

    Insistent(TestPki.Issued issued) {
      this.issued = issued;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {issued.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return issued.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void aResumedSessionStillNamesTheCertificate(SslProvider provider) throws Exception {
    SslContext listenerContext = listenerContext(provider);
    SslContext clientContext = SslContextBuilder.forClient().sslProvider(provider).trustManager(pki.caPath().toFile())
        .keyManager(device.certPath().toFile(), device.keyPath().toFile()).build();
    SSLSession first = handshake(listenerContext, clientContext);
    Thread.sleep(20); // a session made anew would carry a later creation time
    SSLSession second = handshake(listenerContext, clientContext);
    if (provider == SslProvider.JDK) {
      // The JDK resumes a TLS 1.3 session from its ticket (Netty's BoringSSL listener issues none).
      assertEquals(first.getCreationTime(), second.getCreationTime(), "the second handshake resumed the first session");
    }
    assertEquals("device-7", ClientTls.of(second).commonName());
  }
}
