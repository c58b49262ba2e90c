package io.mqttlb.config;

/**
 * A broker behind the tier. {@code host} is a name or IP literal; an IPv6 literal is held without
 * brackets and {@link #address()} adds them back: {@code ("b1", "::1", 1883, 1).address()} is
 * {@code [::1]:1883}. {@code sendProxyProtocol} says whether relayed connections (and health
 * probes) start with a PROXY protocol header; {@code tls}, when not null, that they speak TLS to the
 * broker (after the PROXY header, if any); {@code maxConnectRate}, when above 0, caps the new
 * connections per second to the broker across the whole tier (0: the tier's default,
 * {@code limits.maxConnectRatePerBroker}).
 */
public record BrokerConfig(String id, String host, int port, int weight, ProxyProtocol sendProxyProtocol,
                           BrokerTlsConfig tls, int maxConnectRate) {
  public static final int MIN_PORT = 1;
  public static final int DEFAULT_WEIGHT = 1;
  public static final int MIN_WEIGHT = 1;
  /** Bounds the ring: a broker has {@code virtualNodes × weight} points. */
  public static final int MAX_WEIGHT = 1000;

  public BrokerConfig {
    Require.id("id", id);
    Require.host("host", host);
    Require.inRange("port", port, MIN_PORT, ListenerConfig.MAX_PORT);
    Require.inRange("weight", weight, MIN_WEIGHT, MAX_WEIGHT);
    if (sendProxyProtocol == null) {
      throw new InvalidFieldException("sendProxyProtocol", "is missing");
    }
    Require.inRange("maxConnectRate", maxConnectRate, AdmissionLimits.OFF, AdmissionLimits.MAX_RATE);
  }

  /** A broker without a connect-rate cap of its own. */
  public BrokerConfig(String id, String host, int port, int weight, ProxyProtocol sendProxyProtocol,
                      BrokerTlsConfig tls) {
    this(id, host, port, weight, sendProxyProtocol, tls, AdmissionLimits.OFF);
  }

  /** A broker reached over plain TCP that gets no PROXY protocol header. */
  public BrokerConfig(String id, String host, int port, int weight) {
    this(id, host, port, weight, ProxyProtocol.NONE, null);
  }

  /** A broker reached over plain TCP. */
  public BrokerConfig(String id, String host, int port, int weight, ProxyProtocol sendProxyProtocol) {
    this(id, host, port, weight, sendProxyProtocol, null);
  }

  /** This broker with {@code sendProxyProtocol} set. */
  public BrokerConfig withSendProxyProtocol(ProxyProtocol version) {
    return new BrokerConfig(id, host, port, weight, version, tls, maxConnectRate);
  }

  /** This broker reached over TLS with these settings, or over plain TCP for null. */
  public BrokerConfig withTls(BrokerTlsConfig settings) {
    return new BrokerConfig(id, host, port, weight, sendProxyProtocol, settings, maxConnectRate);
  }

  /** This broker with its own connect-rate cap ({@code 0}: the tier's default). */
  public BrokerConfig withMaxConnectRate(int perSecond) {
    return new BrokerConfig(id, host, port, weight, sendProxyProtocol, tls, perSecond);
  }

  /** The name the broker's certificate is checked against, and sent by SNI: {@code tls.serverName}, else the host. */
  public String tlsServerName() {
    return tls != null && tls.serverName() != null ? tls.serverName() : host;
  }

  /**
   * A broker from its {@code host:port} address, as the configuration and the admin API write it
   * ({@code 10.0.0.5:1883}, {@code broker-1.internal:1883}, {@code [::1]:1883}).
   *
   * @throws IllegalArgumentException naming the field and the value
   */
  public static BrokerConfig of(String id, String address, int weight) {
    Require.notBlank("address", address);
    String text = address.strip();
    if (text.contains("://")) {
      throw bad(address, "write it without a scheme, e.g. 127.0.0.1:1884");
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw bad(address, "write an IPv6 address in brackets, e.g. [::1]:1883");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw bad(address, "e.g. 127.0.0.1:1884");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.contains(":")) {
        throw bad(address, "write an IPv6 address in brackets, e.g. [::1]:1883");
      }
    }
    if (host.isEmpty()) {
      throw bad(address, "the host is missing");
    }
    if (!port.matches("[0-9]{1,5}")) {
      throw bad(address, "the port is missing or not a number");
    }
    try {
      return new BrokerConfig(id, host, Integer.parseInt(port), weight);
    } catch (InvalidFieldException e) {
      if (e.field().equals("host") || e.field().equals("port")) {
        throw new InvalidFieldException("address", Require.quote(address) + ": " + e.getMessage());
      }
      throw e;
    }
  }

  private static InvalidFieldException bad(String address, String hint) {
    return new InvalidFieldException("address", Require.quote(address) + " is not host:port (" + hint + ")");
  }

  /** {@code host:port}, with brackets around an IPv6 literal. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
