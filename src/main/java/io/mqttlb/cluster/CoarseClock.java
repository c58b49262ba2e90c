package io.mqttlb.cluster;

/**
 * The wall clock in epoch milliseconds, read from a field that one daemon thread refreshes every
 * {@link #TICK_MILLIS}. For the connect path's expiry checks: on the virtual machines this runs on,
 * {@code System.currentTimeMillis()} can cost as much as the rest of a route decision (75 to 140 ns
 * measured here, where the kernel serves the clock by a system call), while this costs a volatile read.
 *
 * <p>It lags the real clock by up to a tick, more while its thread waits for a CPU, and never runs
 * ahead of it: an entry may be answered for a few milliseconds after it expired, never before. Keep
 * the exact clock for anything that sets an expiry.
 */
final class CoarseClock {
  /**
   * Each tick wakes a thread, which costs about 50 µs of CPU on this VM: at 10 ms that was 5 ms of
   * CPU per second per idle node. 50 ms keeps it near 1 ms/s; entries live for minutes.
   */
  static final long TICK_MILLIS = 50;

  private static volatile long now = System.currentTimeMillis();

  static {
    Thread ticker = new Thread(CoarseClock::tick, "mqttlb-coarse-clock");
    ticker.setDaemon(true);
    ticker.start();
  }

  private CoarseClock() {}

  /** The wall clock as of the last tick. */
  static long millis() {
    return now;
  }

  private static void tick() {
    while (true) {
      now = System.currentTimeMillis();
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
