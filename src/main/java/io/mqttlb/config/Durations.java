package io.mqttlb.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the configuration and the admin API write them: a whole number and a unit, no
 * space, e.g. {@code 500ms}, {@code 5s}, {@code 30m}, {@code 2h}, {@code 1d}.
 *
 * <pre>
 *   parse("30m")  == Duration.ofMinutes(30)     format(Duration.ofMinutes(30)) == "30m"
 *   parse("90s")  == Duration.ofSeconds(90)     format(Duration.ofSeconds(90)) == "90s"
 *   parse("0s")   == Duration.ZERO              format(Duration.ZERO)          == "0s"
 * </pre>
 *
 * {@link #format} picks the largest unit that represents the duration exactly, so
 * {@code parse(format(d)).equals(d)} for every non-negative whole-millisecond {@code d}.
 */
public final class Durations {
  private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,19})(ms|s|m|h|d)");
  private static final String HINT = " (write e.g. 500ms, 5s, 30m, 2h)";

  private record Unit(String suffix, ChronoUnit chrono) {}

  /** Largest first: {@link #format} takes the first that divides the duration. */
  private static final List<Unit> UNITS = List.of(
      new Unit("d", ChronoUnit.DAYS),
      new Unit("h", ChronoUnit.HOURS),
      new Unit("m", ChronoUnit.MINUTES),
      new Unit("s", ChronoUnit.SECONDS),
      new Unit("ms", ChronoUnit.MILLIS));

  private Durations() {}

  /**
   * Parses {@code <digits><unit>}, unit one of ms, s, m, h, d; surrounding blanks are ignored.
   *
   * @throws IllegalArgumentException naming the text, for anything else (no sign, no fraction, no
   *     space before the unit, no compound forms like {@code 1h30m})
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a duration is required" + HINT);
    }
    Matcher m = SYNTAX.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(Require.quote(text) + " is not a duration" + HINT);
    }
    try {
      long amount = Long.parseLong(m.group(1));
      ChronoUnit unit = UNITS.stream().filter(u -> u.suffix().equals(m.group(2))).findFirst()
          .orElseThrow().chrono();
      return unit.getDuration().multipliedBy(amount);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(Require.quote(text) + " is too long a duration", e);
    }
  }

  /**
   * Writes {@code d} in the largest unit that represents it exactly.
   *
   * @throws IllegalArgumentException if {@code d} is negative or not a whole number of
   *     milliseconds (the configuration cannot express either)
   */
  public static String format(Duration d) {
    if (d == null) {
      throw new IllegalArgumentException("cannot format a null duration");
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("cannot format duration " + d + ": must not be negative");
    }
    if (d.isZero()) {
      return "0s";
    }
    for (Unit unit : UNITS) {
      Duration length = unit.chrono().getDuration();
      if (fitsExactly(d, length)) {
        return d.dividedBy(length) + unit.suffix();
      }
    }
    throw new IllegalArgumentException("cannot format duration " + d + ": not a whole number of milliseconds");
  }

  /** {@link #format} where possible, else ISO-8601: for error messages about any duration. */
  static String formatLenient(Duration d) {
    try {
      return format(d);
    } catch (IllegalArgumentException e) {
      return String.valueOf(d);
    }
  }

  private static boolean fitsExactly(Duration d, Duration length) {
    return length.multipliedBy(d.dividedBy(length)).equals(d);
  }
}
