package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RiseFallTest {
  /** Feeds results ('+' ok, '-' fail) and writes the view after each: 'U' up, 'D' down. */
  private static String run(int rise, int fall, String results) {
    RiseFall view = new RiseFall(rise, fall);
    StringBuilder out = new StringBuilder();
    for (char c : results.toCharArray()) {
      view.record(c == '+');
      out.append(view.up() ? 'U' : 'D');
    }
    return out.toString();
  }

  @Test
  void startsUpFallsAfterFallFailuresInARowRisesAfterRiseSuccesses() {
    assertEquals("UUUUDDU", run(2, 2, "+-+--++"));
    assertEquals("UDDDU", run(2, 1, "+--++"));
    assertEquals("UUUDU", run(1, 3, "+---+"));
  }

  @Test
  void aSuccessBreaksAFailureStreakAndAFailureBreaksASuccessStreak() {
    assertEquals("UUUUU", run(2, 3, "--+--"));       // fall 3: never three failures in a row
    assertEquals("DDDDDDU", run(3, 1, "-++-+++"));   // rise 3: the failure restarts the count
  }

  @Test
  void recordSaysWhenTheViewChanged() {
    RiseFall view = new RiseFall(1, 2);
    assertEquals(false, view.record(false));
    assertEquals(true, view.record(false));
    assertEquals(false, view.record(false));
    assertEquals(true, view.record(true));
    assertEquals(false, view.record(true));
  }
}
