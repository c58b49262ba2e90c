package io.mqttlb.config;

/**
 * A certificate a TLS listener presents to clients that ask for {@code serverName} by SNI. A name
 * may start with {@code *.} to match one label ({@code *.example.com} matches {@code a.example.com}).
 */
public record SniCertificate(String serverName, String certPath, String keyPath) {
  public SniCertificate {
    Require.notBlank("serverName", serverName);
    Require.notBlank("certPath", certPath);
    Require.notBlank("keyPath", keyPath);
  }
}
