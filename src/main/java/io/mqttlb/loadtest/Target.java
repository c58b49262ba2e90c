package io.mqttlb.loadtest;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where users connect (a balancer node, or a broker directly), and how: MQTT over TCP, TLS,
 * WebSocket or WebSocket over TLS. Written as
 *
 * <pre>
 *   127.0.0.1:1883                      MQTT over TCP (as mqtt://127.0.0.1:1883)
 *   mqtts://lb.example.com:8883         MQTT over TLS
 *   ws://127.0.0.1:8080/mqtt            MQTT over WebSocket, at that path
 *   wss://lb.example.com:443/mqtt       MQTT over WebSocket over TLS
 *   [::1]:1883                          an IPv6 address in brackets
 * </pre>
 *
 * The port is always written; a WebSocket target without a path uses {@value #DEFAULT_PATH}. TLS
 * targets check the server's certificate against the run's CA file (or the JVM's trust) and the
 * host name written here. Immutable; {@link #toString()} gives the text back, as reports show it.
 */
public record Target(Transport transport, String host, int port, String path) {
  /** The path of a WebSocket target written without one (the usual path of MQTT over WebSocket). */
  public static final String DEFAULT_PATH = "/mqtt";

  /** How a target is reached: the scheme of its text. */
  public enum Transport {
    MQTT("mqtt", false, false),
    MQTTS("mqtts", true, false),
    WS("ws", false, true),
    WSS("wss", true, true);

    private final String scheme;
    private final boolean tls;
    private final boolean websocket;

    Transport(String scheme, boolean tls, boolean websocket) {
      this.scheme = scheme;
      this.tls = tls;
      this.websocket = websocket;
    }

    public String scheme() {
      return scheme;
    }

    public boolean tls() {
      return tls;
    }

    public boolean websocket() {
      return websocket;
    }
  }

  public Target {
    if (transport == null || host == null || host.isEmpty()) {
      throw new IllegalArgumentException("a target needs a transport and a host");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
    if (transport.websocket()) {
      path = path == null || path.isEmpty() ? DEFAULT_PATH : path;
    } else if (path != null) {
      throw new IllegalArgumentException(transport.scheme() + " targets have no path");
    }
  }

  /** An MQTT-over-TCP target. */
  public Target(String host, int port) {
    this(Transport.MQTT, host, port, null);
  }

  /**
   * Reads {@code host:port} or {@code scheme://host:port[/path]}.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static Target parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a target must not be empty (e.g. 127.0.0.1:1883 or mqtts://host:8883)");
    }
    String rest = text.strip();
    Transport transport = Transport.MQTT;
    int schemeEnd = rest.indexOf("://");
    if (schemeEnd >= 0) {
      transport = transport(text, rest.substring(0, schemeEnd));
      rest = rest.substring(schemeEnd + 3);
    }
    String path = null;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      path = rest.substring(slash);
      rest = rest.substring(0, slash);
      if (!transport.websocket()) {
        throw bad(text, "only ws:// and wss:// targets have a path");
      }
    }
    if (path != null && (path.contains("?") || path.contains("#") || path.chars().anyMatch(Character::isWhitespace))) {
      throw bad(text, "the path must be a plain path such as /mqtt, without query or blanks");
    }
    String host;
    String port;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
        throw bad(text, "write an IPv6 address in brackets with a port, e.g. [::1]:1883");
      }
      host = rest.substring(1, close);
      port = rest.substring(close + 2);
    } else {
      int colon = rest.lastIndexOf(':');
      if (colon < 0) {
        throw bad(text, "the port is missing, e.g. " + example(transport));
      }
      host = rest.substring(0, colon);
      port = rest.substring(colon + 1);
      if (host.contains(":")) {
        throw bad(text, "write an IPv6 address in brackets, e.g. [::1]:1883");
      }
    }
    if (host.isEmpty()) {
      throw bad(text, "the host is missing, e.g. " + example(transport));
    }
    if (!port.matches("[0-9]{1,5}")) {
      throw bad(text, "the port is missing or not a number, e.g. " + example(transport));
    }
    int number = Integer.parseInt(port);
    if (number < 1 || number > 65_535) {
      throw bad(text, "port must be 1..65535");
    }
    return new Target(transport, host, number, path);
  }

  private static Transport transport(String text, String scheme) {
    String wanted = scheme.toLowerCase(Locale.ROOT);
    for (Transport transport : Transport.values()) {
      if (transport.scheme.equals(wanted)) {
        return transport;
      }
    }
    throw bad(text, "unknown scheme \"" + scheme + "\"; expected "
        + Arrays.stream(Transport.values()).map(Transport::scheme).collect(Collectors.joining(", ")));
  }

  private static String example(Transport transport) {
    return switch (transport) {
      case MQTT -> "127.0.0.1:1883";
      case MQTTS -> "mqtts://127.0.0.1:8883";
      case WS -> "ws://127.0.0.1:8080/mqtt";
      case WSS -> "wss://127.0.0.1:8443/mqtt";
    };
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("\"" + text + "\" is not a target: " + why);
  }

  /** {@code host:port} with brackets around an IPv6 literal. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The text {@link #parse} reads back: {@code host:port} for MQTT over TCP, else with its scheme (and path). */
  @Override
  public String toString() {
    if (transport == Transport.MQTT) {
      return address();
    }
    return transport.scheme() + "://" + address() + (path == null ? "" : path);
  }
}
