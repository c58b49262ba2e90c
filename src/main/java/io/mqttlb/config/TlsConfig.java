package io.mqttlb.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TLS on a listener: the certificate (a PEM file; a chain file works) and its key (PEM, PKCS#8,
 * PKCS#1 or SEC1), the certificates picked by SNI, and for mutual TLS the CA that client
 * certificates must chain to. {@code caPath} is null when no client certificates are verified.
 *
 * <p>{@code watchInterval} is how often the listener reads its files again to see whether their
 * content changed (then it loads them for new handshakes); {@link Duration#ZERO} turns that off.
 * Content, not modification events: Kubernetes updates a mounted secret by swapping a symlink to a
 * new directory, which file-change notifications on the old path do not report.
 */
public record TlsConfig(String certPath, String keyPath, TlsProvider provider, List<SniCertificate> sni,
                        String caPath, ClientAuth clientAuth, Duration watchInterval) {
  public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(10);
  /** Shorter would re-read and hash the files many times a second for no benefit. */
  public static final Duration MIN_WATCH_INTERVAL = Duration.ofSeconds(1);

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
    Require.nonNull("watchInterval", watchInterval);
    if (watchInterval.isNegative() || (!watchInterval.isZero() && watchInterval.compareTo(MIN_WATCH_INTERVAL) < 0)) {
      throw new InvalidFieldException("watchInterval", "must be 0s (off) or at least "
          + Durations.format(MIN_WATCH_INTERVAL) + ", got " + Durations.formatLenient(watchInterval));
    }
  }

  /** As the canonical constructor, with the files watched every {@link #DEFAULT_WATCH_INTERVAL}. */
  public TlsConfig(String certPath, String keyPath, TlsProvider provider, List<SniCertificate> sni,
                   String caPath, ClientAuth clientAuth) {
    this(certPath, keyPath, provider, sni, caPath, clientAuth, DEFAULT_WATCH_INTERVAL);
  }

  /** A certificate and key, no SNI, no client certificates, the provider chosen automatically. */
  public static TlsConfig of(String certPath, String keyPath) {
    return new TlsConfig(certPath, keyPath, TlsProvider.AUTO, List.of(), null, ClientAuth.NONE);
  }

  public TlsConfig withProvider(TlsProvider newProvider) {
    return new TlsConfig(certPath, keyPath, newProvider, sni, caPath, clientAuth, watchInterval);
  }

  public TlsConfig withSni(List<SniCertificate> newSni) {
    return new TlsConfig(certPath, keyPath, provider, newSni, caPath, clientAuth, watchInterval);
  }

  /** Mutual TLS: client certificates verified against the CA certificates in {@code ca}. */
  public TlsConfig withClientAuth(String ca, ClientAuth newClientAuth) {
    return new TlsConfig(certPath, keyPath, provider, sni, ca, newClientAuth, watchInterval);
  }

  public TlsConfig withWatchInterval(Duration interval) {
    return new TlsConfig(certPath, keyPath, provider, sni, caPath, clientAuth, interval);
  }

  public boolean watched() {
    return !watchInterval.isZero();
  }
}
