package io.mqttlb.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a node picks a broker: the ring alone, or override, sticky entry, then ring. */
public enum RoutingMode {
  HASH("hash"),
  TABLE("table");

  private final String label;

  RoutingMode(String label) {
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
  public static RoutingMode parse(String text) {
    String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    for (RoutingMode mode : values()) {
      if (mode.label.equals(wanted)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown routing mode " + Require.quote(String.valueOf(text))
        + "; expected " + Arrays.stream(values()).map(RoutingMode::label).collect(Collectors.joining(" or ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
