package io.mqttlb.loadtest;

import io.mqttlb.config.ConfigException;
import io.mqttlb.config.YamlValue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quantities only a simulation writes, read from a YAML scalar's text; a value that is none is
 * an error at its key. Durations, numbers and whole numbers are the shared layer's ({@link YamlValue}).
 *
 * <pre>
 *   rate      5  5/s  300/m        -> 5, 5, 5 per second
 *   size      4096  512KiB  2MiB   -> bytes
 *   latency   50  50ms  0.5s       -> 50, 50, 500 milliseconds (fractions allowed, unlike durations)
 * </pre>
 */
final class LoadQuantities {
  private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(?:/\\s*(s|m))?");
  private static final Pattern BYTES = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(KiB|MiB|GiB|B)?");
  private static final Pattern MILLIS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s)?");

  private LoadQuantities() {}

  /** Per second: {@code 5}, {@code 5/s} or {@code 300/m}. */
  static double ratePerSecond(YamlValue value) throws ConfigException {
    Matcher m = match(value, RATE, "a rate such as 50, 50/s or 300/m");
    double amount = Double.parseDouble(m.group(1));
    return "m".equals(m.group(2)) ? amount / 60 : amount;
  }

  /** Bytes: a bare number, or {@code 512KiB}, {@code 2MiB}, {@code 1GiB}. */
  static double bytes(YamlValue value) throws ConfigException {
    Matcher m = match(value, BYTES, "a size such as 4096, 512KiB or 2MiB");
    double amount = Double.parseDouble(m.group(1));
    return switch (m.group(2) == null ? "" : m.group(2)) {
      case "KiB" -> amount * 1024;
      case "MiB" -> amount * 1024 * 1024;
      case "GiB" -> amount * 1024 * 1024 * 1024;
      default -> amount;
    };
  }

  /** Milliseconds: {@code 50ms}, {@code 0.5ms}, {@code 2s}, or a bare number of milliseconds. */
  static double millis(YamlValue value) throws ConfigException {
    Matcher m = match(value, MILLIS, "a latency such as 50ms or 1s");
    double amount = Double.parseDouble(m.group(1));
    return "s".equals(m.group(2)) ? amount * 1000 : amount;
  }

  private static Matcher match(YamlValue value, Pattern syntax, String expected) throws ConfigException {
    String text = value.asString().strip();
    Matcher m = syntax.matcher(text);
    if (!m.matches()) {
      throw value.error("expected " + expected + "; got '" + text + "'");
    }
    return m;
  }
}
