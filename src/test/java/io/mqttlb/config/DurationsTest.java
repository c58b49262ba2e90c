package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S",
      "5s,    PT5S",
      "30m,   PT30M",
      "2h,    PT2H",
      "1d,    PT24H",
      "0s,    PT0S",
      "90s,   PT1M30S",
      "' 7s ', PT7S",
      "1500ms, PT1.5S",
  })
  void parses(String text, Duration expected) {
    assertEquals(expected, Durations.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "s", "5 s", "5 sec", "-5s", "+5s", "1.5s", "5S", "1h30m", "5ns", "5us", "PT5S", "5 s"})
  void rejects(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals("'" + text + "' is not a duration (write e.g. 500ms, 5s, 30m, 2h)", e.getMessage());
  }

  @Test
  void rejectsNull() {
    assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
  }

  @Test
  void rejectsOverflow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Durations.parse("9999999999999999999d"));
    assertEquals("'9999999999999999999d' is too long a duration", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
      "PT0S,      0s",
      "PT0.5S,    500ms",
      "PT1.5S,    1500ms",
      "PT5S,      5s",
      "PT1M30S,   90s",
      "PT30M,     30m",
      "PT2H,      2h",
      "PT25H,     25h",
      "PT48H,     2d",
  })
  void formatsInTheLargestExactUnit(Duration d, String expected) {
    assertEquals(expected, Durations.format(d));
  }

  @Test
  void roundTrips() {
    for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofMillis(1001), Duration.ofSeconds(59),
        Duration.ofSeconds(61), Duration.ofMinutes(59), Duration.ofHours(23), Duration.ofDays(365),
        Duration.ofMillis(Long.MAX_VALUE), Duration.ofDays(Long.MAX_VALUE / 86_400)}) {
      assertEquals(d, Durations.parse(Durations.format(d)), d::toString);
    }
  }

  @Test
  void refusesWhatTheSyntaxCannotExpress() {
    assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofNanos(1_500_000)));
    assertThrows(IllegalArgumentException.class, () -> Durations.format(null));
  }
}
