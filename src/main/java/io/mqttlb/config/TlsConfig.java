package io.mqttlb.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TLS on a listener: the certificate (a PEM file; a chain file works) and its key (PEM, PKCS#8 or
 * PKCS#1), the certificates picked by SNI, and for mutual TLS the CA that client certificates must
 * chain to. {@code caPath} is null when no client certificates are verified.
 */
public record TlsConfig(String certPath, String keyPath, TlsProvider provider, List<SniCertificate> sni,
                        String caPath, ClientAuth clientAuth) {

  public TlsConfig {
    Require.notBlank("certPath", certPath);
    Require.notBlank("keyPath", keyPath);
    Require.nonNull("provider", provider);
    Require.nonNull("clientAuth", clientAuth);
    sni = List.copyOf(Require.nonNull("sni", sni));
    Set<String> names = new HashSet<>();
    for (SniCertificate entry : sni) {
      if (!names.add(entry.serverName().toLowerCase(Locale.ROOT))) {
        throw new InvalidFieldException("sni", "server name " + Require.quote(entry.serverName()) + " is listed twice");
      }
    }
    if (caPath != null && caPath.isBlank()) {
      caPath = null;
    }
    if (clientAuth != ClientAuth.NONE && caPath == null) {
      throw new InvalidFieldException("caPath",
          "is required with clientAuth: " + clientAuth.label() + " (the CA that client certificates must chain to)");
    }
  }

  /** A certificate and key, no SNI, no client certificates, the provider chosen automatically. */
  public static TlsConfig of(String certPath, String keyPath) {
    return new TlsConfig(certPath, keyPath, TlsProvider.AUTO, List.of(), null, ClientAuth.NONE);
  }
}
