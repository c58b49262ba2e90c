package io.mqttlb.proxy;

import io.mqttlb.routing.SubjectCommonName;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What one client's TLS handshake established, as routing and the PROXY v2 header use it: the
 * protocol version, the cipher suite, the client's certificate and the certificate the listener
 * presented. A client certificate is there only when the handshake verified it against the
 * listener's CA: the listener asks for one only with a CA to check it against, and one that does
 * not chain to it never gets into the session (a client that sends it anyway fails the handshake),
 * with {@code clientAuth: request} as with {@code required}.
 *
 * <p>Built once per connection after the handshake, on its event loop; the subject CN is parsed on
 * first use and kept.
 */
final class ClientTls {
  private final String protocol;
  private final String cipherSuite;
  private final X509Certificate peerCertificate;
  private final X509Certificate localCertificate;
  private String commonName;
  private boolean commonNameRead;

  /**
   * @param protocol the TLS version as Java names it ({@code TLSv1.3})
   * @param cipherSuite the cipher suite as Java names it ({@code TLS_AES_128_GCM_SHA256})
   * @param peerCertificate the client's verified certificate; null without one
   * @param localCertificate the certificate the listener presented; null when not known
   */
  ClientTls(String protocol, String cipherSuite, X509Certificate peerCertificate, X509Certificate localCertificate) {
    this.protocol = protocol;
    this.cipherSuite = cipherSuite;
    this.peerCertificate = peerCertificate;
    this.localCertificate = localCertificate;
  }

  static ClientTls of(SSLSession session) {
    return new ClientTls(session.getProtocol(), session.getCipherSuite(), peerCertificate(session),
        first(session.getLocalCertificates()));
  }

  private static X509Certificate peerCertificate(SSLSession session) {
    try {
      return first(session.getPeerCertificates());
    } catch (SSLPeerUnverifiedException e) {
      return null; // the client sent none, or the listener did not ask
    }
  }

  private static X509Certificate first(Certificate[] chain) {
    return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
  }

  String protocol() {
    return protocol;
  }

  String cipherSuite() {
    return cipherSuite;
  }

  /** The client's verified certificate; null without one. */
  X509Certificate peerCertificate() {
    return peerCertificate;
  }

  /** The certificate the listener presented to this client (the one SNI picked); null when not known. */
  X509Certificate localCertificate() {
    return localCertificate;
  }

  /** The most specific subject CN of the client's verified certificate; null without a certificate or a CN. */
  String commonName() {
    if (!commonNameRead) {
      commonName = SubjectCommonName.of(peerCertificate);
      commonNameRead = true;
    }
    return commonName;
  }
}
