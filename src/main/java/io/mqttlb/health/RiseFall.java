package io.mqttlb.health;

/**
 * One node's view of one broker from its check results: it starts up, goes down after {@code fall}
 * failures in a row and up again after {@code rise} successes in a row. A result that agrees with
 * the current view resets the opposite streak. Not thread-safe: owned by one context.
 *
 * <pre>
 *   rise 2, fall 2:   ok fail ok fail fail  ok  ok
 *   view:             up  up  up  up  DOWN DOWN UP
 * </pre>
 */
final class RiseFall {
  private final int rise;
  private final int fall;
  private boolean up = true;
  private int streak;

  RiseFall(int rise, int fall) {
    this.rise = rise;
    this.fall = fall;
  }

  /** Records one check; returns true when this result changed the view. */
  boolean record(boolean ok) {
    if (ok == up) {
      streak = 0; // agrees with the view: any streak towards the other side is broken
      return false;
    }
    streak++;
    if (streak >= (up ? fall : rise)) {
      up = !up;
      streak = 0;
      return true;
    }
    return false;
  }

  boolean up() {
    return up;
  }
}
