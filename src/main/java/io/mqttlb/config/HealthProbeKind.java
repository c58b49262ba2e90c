package io.mqttlb.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a node checks a broker: {@code mqtt} sends a CONNECT and waits for the CONNACK (a broker
 * whose port accepts but whose MQTT layer hangs is down); {@code tcp} only opens the connection.
 */
public enum HealthProbeKind {
  MQTT("mqtt"),
  TCP("tcp");

  private final String label;

  HealthProbeKind(String label) {
    this.label = label;
  }

  /** The name used in the configuration. */
  public String label() {
    return label;
  }

  /**
   * Parses a {@link #label()}, ignoring case and surrounding blanks.
   *
   * @throws IllegalArgumentException naming the text and the accepted labels
   */
  public static HealthProbeKind parse(String text) {
    String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    for (HealthProbeKind kind : values()) {
      if (kind.label.equals(wanted)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown health probe " + Require.quote(String.valueOf(text))
        + "; expected " + Arrays.stream(values()).map(HealthProbeKind::label).collect(Collectors.joining(" or ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
