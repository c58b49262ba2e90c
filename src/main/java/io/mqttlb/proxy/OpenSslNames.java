package io.mqttlb.proxy;

import io.netty.handler.ssl.CipherSuiteConverter;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;

/**
 * TLS facts named as OpenSSL, and so HAProxy, names them in a PROXY v2 header, so that a broker
 * that reads them from HAProxy reads the same from the tier: cipher suites as
 * {@code ECDHE-ECDSA-AES256-GCM-SHA384} (TLS 1.3 suites keep their IANA names), signature algorithms
 * as {@code ecdsa-with-SHA256} or {@code RSA-SHA256}, keys as {@code EC256} or {@code RSA2048}. A
 * name OpenSSL has no entry for here falls back to Java's, or, for a key of another kind, to none,
 * as HAProxy leaves it out. Pure and thread-safe.
 */
final class OpenSslNames {
  /** Signature algorithm OIDs and OpenSSL's short names for them (what {@code OBJ_nid2sn} answers). */
  private static final Map<String, String> SIGNATURE_ALGORITHMS = Map.ofEntries(
      Map.entry("1.2.840.113549.1.1.5", "RSA-SHA1"),
      Map.entry("1.2.840.113549.1.1.14", "RSA-SHA224"),
      Map.entry("1.2.840.113549.1.1.11", "RSA-SHA256"),
      Map.entry("1.2.840.113549.1.1.12", "RSA-SHA384"),
      Map.entry("1.2.840.113549.1.1.13", "RSA-SHA512"),
      Map.entry("1.2.840.113549.1.1.10", "RSASSA-PSS"),
      Map.entry("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
      Map.entry("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
      Map.entry("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
      Map.entry("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
      Map.entry("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
      Map.entry("1.3.101.112", "ED25519"),
      Map.entry("1.3.101.113", "ED448"));

  private OpenSslNames() {
  }

  /** {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256} → {@code ECDHE-RSA-AES128-GCM-SHA256}; null for null. */
  static String cipherSuite(String javaName) {
    if (javaName == null) {
      return null;
    }
    String openSsl = CipherSuiteConverter.toOpenSsl(javaName, false);
    return openSsl != null ? openSsl : javaName;
  }

  /** The algorithm the certificate's issuer signed it with; null for null. */
  static String signatureAlgorithm(X509Certificate certificate) {
    if (certificate == null) {
      return null;
    }
    String name = SIGNATURE_ALGORITHMS.get(certificate.getSigAlgOID());
    return name != null ? name : certificate.getSigAlgName();
  }

  /** The kind and size of the certificate's key ({@code EC256}); null for null or a kind OpenSSL does not size here. */
  static String keyAlgorithm(X509Certificate certificate) {
    if (certificate == null) {
      return null;
    }
    PublicKey key = certificate.getPublicKey();
    if (key instanceof RSAPublicKey rsa) {
      return "RSA" + rsa.getModulus().bitLength();
    }
    if (key instanceof ECPublicKey ec) {
      return "EC" + ec.getParams().getOrder().bitLength(); // EVP_PKEY_bits: the group order's size
    }
    if (key instanceof DSAPublicKey dsa) {
      return "DSA" + dsa.getParams().getP().bitLength();
    }
    return null;
  }
}
