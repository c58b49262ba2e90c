package io.mqttlb.config;

/**
 * One MQTT listener of a node. Port 0 asks the OS for an ephemeral port (tests read the actual
 * port back from the server). With {@code acceptProxyProtocol} every connection must start with a
 * PROXY protocol header (v1 or v2, auto-detected) from an upstream L4 balancer, and the address it
 * carries is the client's address.
 */
public record ListenerConfig(String name, String host, int port, boolean acceptProxyProtocol) {
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

  /** A listener for clients that connect directly (no PROXY protocol header expected). */
  public ListenerConfig(String name, String host, int port) {
    this(name, host, port, false);
  }

  /** This listener with {@code acceptProxyProtocol} set. */
  public ListenerConfig withAcceptProxyProtocol(boolean accept) {
    return new ListenerConfig(name, host, port, accept);
  }

  /** {@code tcp} on {@code 0.0.0.0:1883}. */
  public static ListenerConfig defaults() {
    return new ListenerConfig(DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT);
  }
}
