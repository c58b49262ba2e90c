package io.mqttlb.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whether a node writes a PROXY protocol header (HAProxy's PROXY protocol, versions 1 and 2) before
 * the CONNECT it relays to a broker, so that a broker listener with PROXY protocol on (EMQX
 * {@code proxy_protocol = true}) learns the real client address instead of the node's.
 */
public enum ProxyProtocol {
  NONE("none"),
  V1("v1"),
  V2("v2");

  private final String label;

  ProxyProtocol(String label) {
    this.label = label;
  }

  /** The name used in the configuration and the admin API. */
  public String label() {
    return label;
  }

  /**
   * Parses a {@link #label()}, ignoring case and surrounding blanks.
   *
   * @throws IllegalArgumentException naming the text and the accepted labels
   */
  public static ProxyProtocol parse(String text) {
    String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    for (ProxyProtocol version : values()) {
      if (version.label.equals(wanted)) {
        return version;
      }
    }
    throw new IllegalArgumentException("unknown PROXY protocol version " + Require.quote(String.valueOf(text))
        + "; expected " + Arrays.stream(values()).map(ProxyProtocol::label).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
