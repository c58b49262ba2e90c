package io.mqttlb.loadtest;

import java.time.Duration;
import java.util.Objects;

/**
 * How users arrive, Gatling's injection profiles. The open ones ({@link AtOnce}, {@link Ramp},
 * {@link ConstantRate}, {@link Stairs}) start users at fixed times whatever happens to earlier
 * users; {@link ConstantConcurrent} is a closed model that keeps a number of users running.
 * Profiles of one scenario run one after another.
 *
 * <p>Start times, in milliseconds after the profile begins:
 * <pre>
 *   atOnceUsers(3)                            0, 0, 0
 *   rampUsers(4).during(2s)                   0, 500, 1000, 1500
 *   constantUsersPerSec(2).during(2s)         0, 500, 1000, 1500
 *   stairs(1, 1, 2, 2s)  (1/s then 2/s)       0, 1000, 2000, 2500, 3000, 3500
 * </pre>
 */
public sealed interface Injection {

  /** How long this profile lasts (the next profile starts after it). */
  Duration duration();

  /** Open models: the start offsets in milliseconds, ascending; empty for the closed model. */
  long[] startOffsetsMillis();

  record AtOnce(int users) implements Injection {
    public AtOnce {
      requireUsers(users);
    }

    @Override
    public Duration duration() {
      return Duration.ZERO;
    }

    @Override
    public long[] startOffsetsMillis() {
      return new long[users];
    }
  }

  record Ramp(int users, Duration during) implements Injection {
    public Ramp {
      requireUsers(users);
      requirePositive(during);
    }

    @Override
    public Duration duration() {
      return during;
    }

    @Override
    public long[] startOffsetsMillis() {
      long[] offsets = new long[users];
      double gap = (double) during.toMillis() / users;
      for (int i = 0; i < users; i++) {
        offsets[i] = Math.round(i * gap);
      }
      return offsets;
    }
  }

  record ConstantRate(double usersPerSec, Duration during) implements Injection {
    public ConstantRate {
      requireRate(usersPerSec);
      requirePositive(during);
    }

    @Override
    public Duration duration() {
      return during;
    }

    @Override
    public long[] startOffsetsMillis() {
      return atRate(usersPerSec, during.toMillis(), 0);
    }
  }

  /** {@code levels} steps of {@code levelDuration} each, at {@code start}, {@code start + step}, ... users per second. */
  record Stairs(double start, double step, int levels, Duration levelDuration) implements Injection {
    public Stairs {
      if (!(start >= 0) || !(step >= 0) || Double.isInfinite(start + step)) {
        throw new IllegalArgumentException("start (" + start + ") and step (" + step + ") must be users per second, 0 or more");
      }
      if (levels < 1) {
        throw new IllegalArgumentException("levels (" + levels + ") must be at least 1");
      }
      requirePositive(levelDuration);
    }

    @Override
    public Duration duration() {
      return levelDuration.multipliedBy(levels);
    }

    @Override
    public long[] startOffsetsMillis() {
      long[] all = new long[0];
      long levelMillis = levelDuration.toMillis();
      for (int level = 0; level < levels; level++) {
        long[] these = atRate(start + level * step, levelMillis, level * levelMillis);
        long[] joined = java.util.Arrays.copyOf(all, all.length + these.length);
        System.arraycopy(these, 0, joined, all.length, these.length);
        all = joined;
      }
      return all;
    }
  }

  /** Closed model: {@code users} run at any time during {@code during}; one that finishes is replaced. */
  record ConstantConcurrent(int users, Duration during) implements Injection {
    public ConstantConcurrent {
      requireUsers(users);
      requirePositive(during);
    }

    @Override
    public Duration duration() {
      return during;
    }

    @Override
    public long[] startOffsetsMillis() {
      return new long[0];
    }
  }

  // Gatling's staged builders: only complete sentences produce an Injection.

  static Injection atOnceUsers(int users) {
    return new AtOnce(users);
  }

  static During rampUsers(int users) {
    return during -> new Ramp(users, during);
  }

  static During constantUsersPerSec(double rate) {
    return during -> new ConstantRate(rate, during);
  }

  static Injection stairs(double start, double step, int levels, Duration levelDuration) {
    return new Stairs(start, step, levels, levelDuration);
  }

  static During constantConcurrentUsers(int users) {
    return during -> new ConstantConcurrent(users, during);
  }

  /** The second half of {@code rampUsers(n).during(d)} and its kin. */
  @FunctionalInterface
  interface During {
    Injection during(Duration during);

    default Injection during(long seconds) {
      return during(Duration.ofSeconds(seconds));
    }
  }

  private static long[] atRate(double perSec, long millis, long base) {
    int users = (int) Math.round(perSec * millis / 1000.0);
    long[] offsets = new long[users];
    for (int i = 0; i < users; i++) {
      offsets[i] = base + Math.round(i * 1000.0 / perSec);
    }
    return offsets;
  }

  private static void requireUsers(int users) {
    if (users < 1) {
      throw new IllegalArgumentException("users (" + users + ") must be at least 1");
    }
  }

  private static void requireRate(double rate) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate (" + rate + ") must be a positive number of users per second");
    }
  }

  private static void requirePositive(Duration d) {
    Objects.requireNonNull(d, "during");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("during (" + d + ") must be positive");
    }
  }
}
