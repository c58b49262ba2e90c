package io.mqttlb.config;

/**
 * Where the admin HTTP API listens, and its bearer token. An empty token (null is read as empty)
 * means the API needs none.
 */
public record AdminConfig(String host, int port, String token) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String NO_TOKEN = "";

  public AdminConfig {
    Require.host("host", host);
    Require.inRange("port", port, ListenerConfig.MIN_PORT, ListenerConfig.MAX_PORT);
    token = token == null ? NO_TOKEN : token;
  }

  /** {@code 127.0.0.1:8080}, no token. */
  public static AdminConfig defaults() {
    return new AdminConfig(DEFAULT_HOST, DEFAULT_PORT, NO_TOKEN);
  }

  /** Whether every {@code /api} call must carry {@code Authorization: Bearer <token>}. */
  public boolean tokenRequired() {
    return !token.isEmpty();
  }

  /** Keeps the token out of logs. */
  @Override
  public String toString() {
    return "AdminConfig[host=" + host + ", port=" + port + ", token=" + (tokenRequired() ? "***" : "") + "]";
  }
}
