package io.mqttlb.config;

/**
 * TLS on the connections a node opens to a broker (relayed clients and health checks), for a broker
 * that accepts only TLS. The node is the TLS client:
 *
 * <ul>
 *   <li>{@code caPath}: a PEM file of the certificates the broker's certificate must chain to; null
 *       trusts the JVM's default authorities.
 *   <li>{@code serverName}: the name sent by SNI and that the broker's certificate must carry; null
 *       means the broker's host (an IP literal is checked against the certificate's IP addresses
 *       and is not sent by SNI, which carries names only).
 *   <li>{@code verify}: false encrypts without checking the certificate at all (no authentication:
 *       anyone on the path can pose as the broker), so it cannot be combined with {@code caPath}.
 * </ul>
 *
 * Immutable; equal settings build equal TLS contexts.
 */
public record BrokerTlsConfig(String caPath, String serverName, boolean verify) {
  /** TLS with the JVM's default trust, the broker's host as the name, and verification on. */
  public static final BrokerTlsConfig DEFAULTS = new BrokerTlsConfig(null, null, true);

  public BrokerTlsConfig {
    if (caPath != null && caPath.isBlank()) {
      caPath = null;
    }
    if (serverName != null && serverName.isBlank()) {
      serverName = null;
    }
    if (serverName != null) {
      Require.host("serverName", serverName);
      if (serverName.indexOf(':') >= 0) {
        throw new InvalidFieldException("serverName", "must be a host name or IPv4 address, got " + Require.quote(serverName));
      }
    }
    if (!verify && caPath != null) {
      throw new InvalidFieldException("caPath",
          "has no effect with verify: false (no certificate is checked); remove one of the two");
    }
  }
}
