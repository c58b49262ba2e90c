package io.mqttlb.config;

import java.time.Duration;
import java.util.regex.Pattern;

/** The checks the configuration records make in their constructors; each names field and value. */
final class Require {
  /** Broker and node ids: they appear in URLs, metric tags and ring point names. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final int QUOTE_LIMIT = 60;

  private Require() {}

  static <T> T nonNull(String field, T value) {
    if (value == null) {
      throw new InvalidFieldException(field, "must be set");
    }
    return value;
  }

  static String notBlank(String field, String value) {
    nonNull(field, value);
    if (value.isBlank()) {
      throw new InvalidFieldException(field, "must not be empty");
    }
    return value;
  }

  static String id(String field, String value) {
    notBlank(field, value);
    if (!ID.matcher(value).matches()) {
      throw new InvalidFieldException(field, "must be 1 to 64 letters, digits, '.', '_' or '-'"
          + " starting with a letter or digit, got " + quote(value));
    }
    return value;
  }

  /** A host name or IP literal (IPv6 without brackets). */
  static String host(String field, String value) {
    notBlank(field, value);
    if (value.chars().anyMatch(c -> Character.isWhitespace(c) || c == '[' || c == ']' || c == '/')) {
      throw new InvalidFieldException(field, "must be a host name or IP address, got " + quote(value));
    }
    return value;
  }

  static int inRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidFieldException(field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  static long atLeast(String field, long value, long min) {
    if (value < min) {
      throw new InvalidFieldException(field, "must be at least " + min + ", got " + value);
    }
    return value;
  }

  static Duration positive(String field, Duration value) {
    nonNull(field, value);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidFieldException(field, "must be a positive duration, got " + Durations.formatLenient(value));
    }
    return value;
  }

  /** {@code 'text'}, shortened when long, for error messages. */
  static String quote(String text) {
    String shown = text.length() > QUOTE_LIMIT ? text.substring(0, QUOTE_LIMIT) + "..." : text;
    return "'" + shown + "'";
  }
}
