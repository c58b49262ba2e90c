package io.mqttlb.loadtest.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The leak verdict on synthetic series sampled every 10 s for 30 minutes (181 points), heap-like
 * values in bytes, limit 512 KiB/min and 10 % growth, with seeded noise of ±1 MiB.
 */
class LeakDetectorTest {
  static final double MIB = 1024 * 1024;
  static final double LIMIT = 512 * 1024;

  static List<LeakDetector.Point> series(int seconds, long seed, DoubleUnaryOperator valueAt) {
    Random noise = new Random(seed);
    List<LeakDetector.Point> points = new ArrayList<>();
    for (int t = 0; t <= seconds; t += 10) {
      points.add(new LeakDetector.Point(t, valueAt.applyAsDouble(t) + (noise.nextDouble() * 2 - 1) * MIB));
    }
    return points;
  }

  @Test
  void aSteadyLeakOfOneMebibytePerMinuteIsALeak() {
    LeakDetector.Verdict v = LeakDetector.judge(series(1800, 1, t -> 30 * MIB + t / 60 * MIB), LIMIT, 10);
    assertTrue(v.leak(), v.toString());
    assertEquals(1 * MIB, v.slopePerMinute(), 0.1 * MIB);
  }

  @Test
  void warmUpThatLevelsOffIsNoLeakThoughItGrewALot() {
    // 20 MiB at the start, 40 MiB after ten minutes (JIT, pools, caches), flat from there.
    LeakDetector.Verdict v = LeakDetector.judge(series(1800, 2, t -> 20 * MIB + 20 * MIB * Math.min(1, t / 600.0)),
        LIMIT, 10);
    assertFalse(v.leak(), v.toString());
    assertTrue(v.growthPercent() > 10, "the thirds alone would call it growth: " + v);
    assertTrue(Math.abs(v.slopePerMinute()) < LIMIT, "the second half is flat: " + v);
  }

  @Test
  void aFlatSeriesWithNoiseIsNoLeak() {
    for (long seed = 0; seed < 50; seed++) {
      LeakDetector.Verdict v = LeakDetector.judge(series(1800, seed, t -> 30 * MIB), LIMIT, 10);
      assertFalse(v.leak(), "seed " + seed + ": " + v);
    }
  }

  @Test
  void aSeriesThatClimbsBackToWhereItStartedIsNoLeak() {
    // A V: from 40 MiB down to 30 MiB at half time, back up to 40 MiB: the second half climbs
    // 0.67 MiB/min, but the last third is no higher than the first.
    LeakDetector.Verdict v = LeakDetector.judge(series(1800, 3, t -> 30 * MIB + Math.abs(900 - t) / 90 * MIB), LIMIT, 10);
    assertTrue(v.slopePerMinute() > LIMIT, v.toString());
    assertFalse(v.leak(), v.toString());
  }

  @Test
  void aShortLeakOfTwoAndAHalfMinutesIsFound() {
    // What the suite's soak sees: 16 samples. Threads, 20 at first, one more every 20 s.
    List<LeakDetector.Point> points = new ArrayList<>();
    for (int t = 0; t <= 150; t += 10) {
      points.add(new LeakDetector.Point(t, 20 + t / 20));
    }
    LeakDetector.Verdict v = LeakDetector.judge(points, 1, 10);
    assertTrue(v.leak(), v.toString());
    assertEquals(3, v.slopePerMinute(), 0.5);
  }

  @Test
  void tooFewSamplesAreNotJudged() {
    List<LeakDetector.Point> five = series(40, 4, t -> t * MIB);
    LeakDetector.Verdict v = LeakDetector.judge(five, LIMIT, 10);
    assertFalse(v.judged());
    assertFalse(v.leak());
  }

  @Test
  void missingSamplesAreLeftOutNotReadAsZero() {
    List<LeakDetector.Point> points = new ArrayList<>(series(600, 5, t -> 30 * MIB));
    points.set(3, new LeakDetector.Point(30, Double.NaN));
    points.set(50, new LeakDetector.Point(500, Double.NaN));
    LeakDetector.Verdict v = LeakDetector.judge(points, LIMIT, 10);
    assertEquals(59, v.samples());
    assertFalse(v.leak(), v.toString());
  }

  @Test
  void slopeIsLeastSquaresPerMinute() {
    // 0, 2, 4 at 0, 30, 60 s: 4 per minute.
    assertEquals(4, LeakDetector.slopePerMinute(List.of(new LeakDetector.Point(0, 0), new LeakDetector.Point(30, 2),
        new LeakDetector.Point(60, 4))), 1e-9);
  }
}
