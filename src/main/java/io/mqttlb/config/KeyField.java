package io.mqttlb.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What routing hashes first: a CONNECT field, or the subject CN of the client's verified TLS
 * certificate ({@code RoutingKey} says what happens when it is empty or absent).
 */
public enum KeyField {
  CLIENT_ID("client-id"),
  USERNAME("username"),
  CERTIFICATE_CN("certificate-cn");

  private final String label;

  KeyField(String label) {
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
  public static KeyField parse(String text) {
    String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    for (KeyField field : values()) {
      if (field.label.equals(wanted)) {
        return field;
      }
    }
    throw new IllegalArgumentException("unknown routing key " + Require.quote(String.valueOf(text))
        + "; expected " + Arrays.stream(values()).map(KeyField::label).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
