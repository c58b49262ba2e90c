package io.mqttlb.loadtest.soak;

import java.util.List;

/**
 * Decides whether a resource series grows without levelling off. Pure; thread-safe.
 *
 * <p>A series is a leak when both hold:
 * <ol>
 *   <li>its least-squares slope over the <em>second half</em> of the run is above
 *       {@code maxSlopePerMinute} (warm-up — JIT, pools, caches filling — happens in the first half
 *       and does not count), and</li>
 *   <li>the mean of its <em>last third</em> is above the mean of its <em>first third</em> by more than
 *       {@code maxGrowthPercent} (a slope alone also fires on a steady series whose last minutes
 *       happen to tilt upwards by noise).</li>
 * </ol>
 * A worked example, heap after GC sampled every 10 s for 3 minutes: warm-up from 20 to 30 MiB in the
 * first minute, then flat at 30 MiB ± noise: second-half slope ≈ 0, no leak. The same series with
 * 1 MiB more every minute: slope 1 MiB/min (above 512 KiB/min), last third ≈ 31.5 MiB vs first third
 * ≈ 26 MiB (+21 %, above 10 %): a leak.
 *
 * <p>Fewer than {@link #MIN_SAMPLES} samples cannot tell warm-up from growth: the verdict is
 * {@link Verdict#insufficient()}, which no assertion accepts.
 */
public final class LeakDetector {
  public static final int MIN_SAMPLES = 6;
  public static final double DEFAULT_MAX_GROWTH_PERCENT = 10;

  private LeakDetector() {
  }

  /** One sample: seconds since the run started, and the value (NaN when the node did not answer). */
  public record Point(double t, double value) {
  }

  /**
   * What the detector found: the second-half slope per minute, the thirds' means, and whether that
   * is a leak under the given limits. {@code samples} counts the usable (non-NaN) points.
   */
  public record Verdict(int samples, double slopePerMinute, double firstThirdMean, double lastThirdMean,
                        boolean leak) {
    static Verdict insufficient(int samples) {
      return new Verdict(samples, Double.NaN, Double.NaN, Double.NaN, false);
    }

    /** Enough samples to judge. */
    public boolean judged() {
      return samples >= MIN_SAMPLES;
    }

    /** Growth of the last third over the first, in percent (NaN when not judged or the first third is 0). */
    public double growthPercent() {
      return LeakDetector.growthPercent(firstThirdMean, lastThirdMean);
    }
  }

  /** Judges {@code series} against the limits; points with a NaN value are left out. */
  public static Verdict judge(List<Point> series, double maxSlopePerMinute, double maxGrowthPercent) {
    List<Point> points = series.stream().filter(p -> !Double.isNaN(p.value())).toList();
    int n = points.size();
    if (n < MIN_SAMPLES) {
      return Verdict.insufficient(n);
    }
    double slope = slopePerMinute(points.subList(n / 2, n));
    double first = mean(points.subList(0, n / 3));
    double last = mean(points.subList(n - n / 3, n));
    double growth = growthPercent(first, last);
    boolean grows = first == 0 ? last > 0 : growth > maxGrowthPercent;
    return new Verdict(n, slope, first, last, slope > maxSlopePerMinute && grows);
  }

  /** Least-squares slope of value over time, per minute. */
  static double slopePerMinute(List<Point> points) {
    double meanT = points.stream().mapToDouble(Point::t).average().orElse(0);
    double meanV = mean(points);
    double covariance = 0;
    double variance = 0;
    for (Point p : points) {
      covariance += (p.t() - meanT) * (p.value() - meanV);
      variance += (p.t() - meanT) * (p.t() - meanT);
    }
    return variance == 0 ? 0 : covariance / variance * 60;
  }

  private static double mean(List<Point> points) {
    return points.stream().mapToDouble(Point::value).average().orElse(Double.NaN);
  }

  private static double growthPercent(double first, double last) {
    return first == 0 || Double.isNaN(first) ? Double.NaN : (last - first) / Math.abs(first) * 100;
  }
}
