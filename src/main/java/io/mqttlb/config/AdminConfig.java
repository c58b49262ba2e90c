package io.mqttlb.config;

import com.google.common.net.InetAddresses;
import java.util.Locale;

/**
 * Where the admin HTTP API listens, its bearer token, and its TLS. An empty token (null is read as
 * empty) means the API needs none; {@code tls} null means plain HTTP.
 *
 * <p>The API moves clients and changes brokers, so a host that other machines can reach (anything
 * but a loopback address or {@code localhost}) needs a token, unless {@code allowUnauthenticated}
 * says that something else guards the port (a network policy, a sidecar). Host names other than
 * {@code localhost} are not resolved: a name may point elsewhere tomorrow, so it counts as reachable.
 */
public record AdminConfig(String host, int port, String token, boolean allowUnauthenticated, TlsConfig tls) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String NO_TOKEN = "";

  public AdminConfig {
    Require.host("host", host);
    Require.inRange("port", port, ListenerConfig.MIN_PORT, ListenerConfig.MAX_PORT);
    token = token == null ? NO_TOKEN : token;
    if (token.isEmpty() && !allowUnauthenticated && !isLoopback(host)) {
      throw new InvalidFieldException("token", "is required when the admin API listens on " + host
          + ", which other machines can reach (anyone there could move clients and change brokers):"
          + " set a token (e.g. token: ${MQTTLB_ADMIN_TOKEN}), bind host: 127.0.0.1,"
          + " or set allowUnauthenticated: true if something else guards the port");
    }
  }

  /** Plain HTTP, no exemption from the token rule. */
  public AdminConfig(String host, int port, String token) {
    this(host, port, token, false, null);
  }

  /** {@code 127.0.0.1:8080}, no token. */
  public static AdminConfig defaults() {
    return new AdminConfig(DEFAULT_HOST, DEFAULT_PORT, NO_TOKEN);
  }

  public AdminConfig withTls(TlsConfig newTls) {
    return new AdminConfig(host, port, token, allowUnauthenticated, newTls);
  }

  /** Whether every {@code /api} call must carry {@code Authorization: Bearer <token>}. */
  public boolean tokenRequired() {
    return !token.isEmpty();
  }

  public boolean hasTls() {
    return tls != null;
  }

  /** 127.0.0.0/8, ::1 (also as an IPv4-mapped address) and {@code localhost}; no name is looked up. */
  static boolean isLoopback(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.equals("localhost") || name.endsWith(".localhost")) { // RFC 6761: always loopback
      return true;
    }
    return InetAddresses.isInetAddress(host) && InetAddresses.forString(host).isLoopbackAddress();
  }

  /** Keeps the token out of logs. */
  @Override
  public String toString() {
    return "AdminConfig[host=" + host + ", port=" + port + ", token=" + (tokenRequired() ? "***" : "")
        + ", allowUnauthenticated=" + allowUnauthenticated + ", tls=" + tls + "]";
  }
}
