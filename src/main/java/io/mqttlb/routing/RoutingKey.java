package io.mqttlb.routing;

import io.mqttlb.config.KeyField;

/**
 * The string a client is routed by, and which CONNECT field (or fallback) it came from.
 *
 * <p>The configured field first; if it is empty or absent, the other field; if both are,
 * the client's source IP address. An MQTT 3.1.1 client may send an empty client id and let the
 * broker assign one, so such clients are only sticky per user name or per address.
 */
public record RoutingKey(String value, Source source) {

  /** Where the key came from; {@link #label()} is what the admin API and logs show. */
  public enum Source {
    CLIENT_ID("client-id"),
    USERNAME("username"),
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
   */
  public static RoutingKey choose(KeyField preferred, String clientId, String username, String sourceIp) {
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
