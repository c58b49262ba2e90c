package io.mqttlb.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An enum constant with the name the configuration and the admin API write for it. */
interface Labelled {
  String label();

  /**
   * The constant of {@code type} whose label is {@code text}, ignoring case and surrounding blanks.
   *
   * @param what what the value is, for the message ("TLS provider")
   * @throws IllegalArgumentException naming the text and the accepted labels
   */
  static <E extends Enum<E> & Labelled> E parse(Class<E> type, String text, String what) {
    String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    for (E constant : type.getEnumConstants()) {
      if (constant.label().equals(wanted)) {
        return constant;
      }
    }
    throw new IllegalArgumentException("unknown " + what + " " + Require.quote(String.valueOf(text)) + "; expected "
        + Arrays.stream(type.getEnumConstants()).map(Labelled::label).collect(Collectors.joining(", ")));
  }
}
