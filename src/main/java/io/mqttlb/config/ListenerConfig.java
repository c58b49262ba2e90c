package io.mqttlb.config;

/**
 * One MQTT listener of a node. Port 0 asks the OS for an ephemeral port (tests read the actual
 * port back from the server).
 */
public record ListenerConfig(String name, String host, int port) {
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

  /** {@code tcp} on {@code 0.0.0.0:1883}. */
  public static ListenerConfig defaults() {
    return new ListenerConfig(DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT);
  }
}
