package io.mqttlb.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What an operator checks about a certificate a listener presents: which one ({@code default} or the
 * SNI server name it serves), its subject, issuer, serial number (hex), validity and the names it is
 * valid for (DNS and IP subject alternative names). Immutable.
 */
public record CertificateSummary(String servedFor, String subject, String issuer, String serial,
                                 Instant notBefore, Instant notAfter, List<String> names) {
  /** The {@link #servedFor} of the certificate a listener presents when SNI names no other. */
  public static final String DEFAULT = "default";
  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  public CertificateSummary {
    names = List.copyOf(names);
  }

  static CertificateSummary of(String servedFor, X509Certificate certificate) {
    return new CertificateSummary(servedFor, certificate.getSubjectX500Principal().getName(),
        certificate.getIssuerX500Principal().getName(), certificate.getSerialNumber().toString(16),
        certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), names(certificate));
  }

  private static List<String> names(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> name : alternatives) {
          int type = (Integer) name.get(0);
          if (type == SAN_DNS || type == SAN_IP) {
            names.add(String.valueOf(name.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // a malformed extension: list no names (the handshake does not depend on this summary)
    }
    return names;
  }

  /** Whether the certificate is outside its validity period at {@code now}. */
  public boolean outOfDate(Instant now) {
    return now.isBefore(notBefore) || now.isAfter(notAfter);
  }
}
