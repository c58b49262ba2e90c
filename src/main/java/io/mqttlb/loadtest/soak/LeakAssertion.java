package io.mqttlb.loadtest.soak;

import java.util.Locale;
import java.util.Objects;

/**
 * {@code noLeak}: no node's {@code series} grows without levelling off, as {@link LeakDetector}
 * defines it, with these limits. It fails too when a node gave fewer than
 * {@link LeakDetector#MIN_SAMPLES} samples: an unmeasured series proves nothing.
 *
 * <pre>
 *   assertions:
 *     - noLeak: { series: heap, maxSlopePerMinute: 512KiB }          # growth limit 10 % by default
 *     - noLeak: { series: threads, maxSlopePerMinute: 1, maxGrowthPercent: 5 }
 * </pre>
 */
public record LeakAssertion(NodeSeries series, double maxSlopePerMinute, double maxGrowthPercent) {

  public LeakAssertion {
    Objects.requireNonNull(series, "series");
    if (!(maxSlopePerMinute >= 0) || Double.isInfinite(maxSlopePerMinute)) {
      throw new IllegalArgumentException("maxSlopePerMinute (" + maxSlopePerMinute + ") must be a number ≥ 0");
    }
    if (!(maxGrowthPercent >= 0) || Double.isInfinite(maxGrowthPercent)) {
      throw new IllegalArgumentException("maxGrowthPercent (" + maxGrowthPercent + ") must be a number ≥ 0");
    }
  }

  public static LeakAssertion noLeak(NodeSeries series, double maxSlopePerMinute) {
    return new LeakAssertion(series, maxSlopePerMinute, LeakDetector.DEFAULT_MAX_GROWTH_PERCENT);
  }

  /** {@code slope ≤ 512 KiB/min or growth ≤ 10 %} */
  public String expectedText() {
    return "slope ≤ " + series.format(maxSlopePerMinute) + "/min or growth ≤ "
        + String.format(Locale.ROOT, "%.0f", maxGrowthPercent) + " %";
  }

  @Override
  public String toString() {
    return "noLeak " + series.key + " (" + expectedText() + ")";
  }
}
