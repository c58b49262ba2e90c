package io.mqttlb.config;

import java.util.regex.Pattern;

/**
 * A certificate a TLS listener presents to clients that ask for {@code serverName} by SNI. A name
 * may start with {@code *.} to match one label ({@code *.example.com} matches {@code a.example.com},
 * neither {@code example.com} nor {@code a.b.example.com}); an exact name wins over a wildcard.
 */
public record SniCertificate(String serverName, String certPath, String keyPath) {
  /** DNS labels of letters, digits and '-', dot-separated, optionally after "*." (RFC 6066 host_name). */
  private static final Pattern NAME = Pattern.compile(
      "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  public SniCertificate {
    Require.notBlank("serverName", serverName);
    Require.notBlank("certPath", certPath);
    Require.notBlank("keyPath", keyPath);
    if (!NAME.matcher(serverName).matches() || serverName.length() > 253) {
      throw new InvalidFieldException("serverName", "must be a host name, or *. and a domain, got "
          + Require.quote(serverName));
    }
  }
}
