package io.mqttlb.config;

/**
 * One MQTT listener of a node. Port 0 asks the OS for an ephemeral port (tests read the actual
 * port back from the server). With {@code acceptProxyProtocol} every connection must start with a
 * PROXY protocol header (v1 or v2, auto-detected) from an upstream L4 balancer, and the address it
 * carries is the client's address. {@code tls} (null: plain TCP) terminates TLS; {@code websocket}
 * (null: MQTT straight on the stream) carries MQTT in WebSocket binary frames. The stages run in
 * that order: PROXY header, TLS, WebSocket, MQTT.
 */
public record ListenerConfig(String name, String host, int port, boolean acceptProxyProtocol, TlsConfig tls,
                             WebSocketConfig websocket) {
  public static final String DEFAULT_NAME = "tcp";
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 1883;
  public static final int MIN_PORT = 0;
  public static final int MAX_PORT = 65535;

  public ListenerConfig {
    Require.notBlank("name", name);
    Require.host("host", host);
    Require.inRange("port", port, MIN_PORT, MAX_PORT);
  }

  /** A plain MQTT listener for clients that connect directly (no PROXY protocol header expected). */
  public ListenerConfig(String name, String host, int port) {
    this(name, host, port, false, null, null);
  }

  /** This listener with {@code acceptProxyProtocol} set. */
  public ListenerConfig withAcceptProxyProtocol(boolean accept) {
    return new ListenerConfig(name, host, port, accept, tls, websocket);
  }

  /** This listener with TLS (null: none). */
  public ListenerConfig withTls(TlsConfig config) {
    return new ListenerConfig(name, host, port, acceptProxyProtocol, config, websocket);
  }

  /** This listener carrying MQTT over WebSocket (null: over the stream). */
  public ListenerConfig withWebSocket(WebSocketConfig config) {
    return new ListenerConfig(name, host, port, acceptProxyProtocol, tls, config);
  }

  public boolean hasTls() {
    return tls != null;
  }

  public boolean hasWebSocket() {
    return websocket != null;
  }

  /** {@code tcp} on {@code 0.0.0.0:1883}. */
  public static ListenerConfig defaults() {
    return new ListenerConfig(DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT);
  }
}
