package io.mqttlb.routing;

import io.mqttlb.config.KeyField;

/**
 * The string a client is routed by, and which CONNECT field (or fallback) it came from.
 *
 * <p>By client id or user name ({@code routing.key}): the configured field first; if it is empty or
 * absent, the other field; if both are, the client's source IP address. An MQTT 3.1.1 client may
 * send an empty client id and let the broker assign one, so such clients are only sticky per user
 * name or per address.
 *
 * <p>By certificate CN: the subject CN of the client's TLS certificate, which is there only when
 * the listener asked for one and the handshake verified it against the listener's CA (so a client
 * cannot name itself into another's broker); then, as by client id, the client id, the user name,
 * the source IP. A client falls back when it connected to a plain listener, to a TLS listener with
 * {@code clientAuth: none}, without a certificate to one with {@code clientAuth: request}, or
 * with a certificate whose subject has no CN. The CN is taken as it is, unescaped:
 *
 * <pre>
 *   subject (RFC 2253, most specific first)     key         source
 *   CN=device-7,O=Acme                          device-7    certificate-cn
 *   CN=device-7,OU=fleet,CN=acme-devices        device-7    certificate-cn   (the most specific CN)
 *   CN=a\,b+UID=7                               a,b         certificate-cn
 *   O=Acme (no CN), client id "dev-1"           dev-1       client-id
 *   no certificate, client id "", user "alice"  alice       username
 * </pre>
 */
public record RoutingKey(String value, Source source) {

  /** Where the key came from; {@link #label()} is what the admin API and logs show. */
  public enum Source {
    CLIENT_ID("client-id"),
    USERNAME("username"),
    CERTIFICATE_CN("certificate-cn"),
    SOURCE_IP("source-ip");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public RoutingKey {
    if (value == null) {
      throw new IllegalArgumentException("routing key value must not be null");
    }
  }

  /**
   * Picks the routing key for one client.
   *
   * @param preferred the configured field ({@code routing.key})
   * @param clientId the CONNECT client identifier, may be null or empty
   * @param username the CONNECT user name, may be null or empty
   * @param sourceIp the client's address as the node sees it (after any PROXY header)
   * @param certificateCn the subject CN of the client's verified TLS certificate; null without one
   */
  public static RoutingKey choose(KeyField preferred, String clientId, String username, String sourceIp,
                                  String certificateCn) {
    if (preferred == KeyField.CERTIFICATE_CN && !isEmpty(certificateCn)) {
      return new RoutingKey(certificateCn, Source.CERTIFICATE_CN);
    }
    boolean byUsername = preferred == KeyField.USERNAME;
    String first = byUsername ? username : clientId;
    if (!isEmpty(first)) {
      return new RoutingKey(first, byUsername ? Source.USERNAME : Source.CLIENT_ID);
    }
    String second = byUsername ? clientId : username;
    if (!isEmpty(second)) {
      return new RoutingKey(second, byUsername ? Source.CLIENT_ID : Source.USERNAME);
    }
    return new RoutingKey(sourceIp == null ? "" : sourceIp, Source.SOURCE_IP);
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
