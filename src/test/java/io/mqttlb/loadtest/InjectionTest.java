package io.mqttlb.loadtest;

import static io.mqttlb.loadtest.Injection.atOnceUsers;
import static io.mqttlb.loadtest.Injection.constantConcurrentUsers;
import static io.mqttlb.loadtest.Injection.constantUsersPerSec;
import static io.mqttlb.loadtest.Injection.rampUsers;
import static io.mqttlb.loadtest.Injection.stairs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which user starts when, for each profile: pure arithmetic, no clock. */
class InjectionTest {

  @Test
  void atOnceStartsEveryoneAtZeroAndTakesNoTime() {
    Injection profile = atOnceUsers(3);
    assertArrayEquals(new long[] {0, 0, 0}, profile.startOffsetsMillis());
    assertEquals(Duration.ZERO, profile.duration());
  }

  @Test
  void rampSpreadsUsersEvenlyAndTheLastStartsBeforeTheEnd() {
    Injection profile = rampUsers(4).during(Duration.ofSeconds(2));
    assertArrayEquals(new long[] {0, 500, 1000, 1500}, profile.startOffsetsMillis());
    assertEquals(Duration.ofSeconds(2), profile.duration());
    assertArrayEquals(new long[] {0, 333, 667}, rampUsers(3).during(1).startOffsetsMillis());
  }

  @Test
  void constantRateStartsRateTimesDurationUsers() {
    assertArrayEquals(new long[] {0, 500, 1000, 1500}, constantUsersPerSec(2).during(2).startOffsetsMillis());
    assertEquals(50, constantUsersPerSec(10).during(5).startOffsetsMillis().length);
    assertArrayEquals(new long[] {0, 2000}, constantUsersPerSec(0.5).during(4).startOffsetsMillis());
  }

  @Test
  void stairsClimbOneRatePerLevel() {
    // 1/s for 2 s, then 2/s for 2 s
    Injection profile = stairs(1, 1, 2, Duration.ofSeconds(2));
    assertArrayEquals(new long[] {0, 1000, 2000, 2500, 3000, 3500}, profile.startOffsetsMillis());
    assertEquals(Duration.ofSeconds(4), profile.duration());
    // a level at 0 users/s starts nobody
    assertArrayEquals(new long[] {1000, 1500}, stairs(0, 2, 2, Duration.ofSeconds(1)).startOffsetsMillis());
  }

  @Test
  void startOffsetsAreAscendingAndInsideTheProfile() {
    for (Injection profile : new Injection[] {rampUsers(997).during(7), constantUsersPerSec(33.3).during(3),
        stairs(5, 7, 4, Duration.ofMillis(1500))}) {
      long[] offsets = profile.startOffsetsMillis();
      for (int i = 1; i < offsets.length; i++) {
        assertTrue(offsets[i] >= offsets[i - 1], profile + " at " + i);
      }
      assertTrue(offsets[offsets.length - 1] < profile.duration().toMillis(), profile.toString());
    }
  }

  @Test
  void closedModelHasNoScheduleOnlyADuration() {
    Injection profile = constantConcurrentUsers(20).during(30);
    assertEquals(0, profile.startOffsetsMillis().length);
    assertEquals(Duration.ofSeconds(30), profile.duration());
  }

  @Test
  void invalidProfilesNameTheField() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> rampUsers(0).during(1)).getMessage().startsWith("users"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> rampUsers(1).during(Duration.ZERO)).getMessage().startsWith("during"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> constantUsersPerSec(-1).during(1)).getMessage().startsWith("rate"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> stairs(1, 1, 0, Duration.ofSeconds(1))).getMessage().startsWith("levels"));
  }
}
