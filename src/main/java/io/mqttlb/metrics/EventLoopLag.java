package io.mqttlb.metrics;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Measures event-loop lag: on every loop of a group, a task asks to run {@link #PERIOD} after its
 * previous run and records how much later than that it actually ran. A loop busy with slow work
 * (a blocking call, a huge batch) runs it late, and every client on that loop waits as long.
 *
 * <p>{@link #worstSeconds()} is the largest lateness any loop saw in the current or the previous
 * {@link #WINDOW}, so a scrape every few seconds sees a spike even if the loop has recovered since.
 * Each loop writes only its own slot, on its own thread; readers see volatile values.
 */
public final class EventLoopLag implements AutoCloseable {
  public static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final List<Probe> probes = new ArrayList<>();

  private EventLoopLag() {
  }

  /** Starts measuring every loop of {@code loops}; {@link #close()} stops it. */
  public static EventLoopLag start(EventExecutorGroup loops) {
    EventLoopLag lag = new EventLoopLag();
    for (EventExecutor loop : loops) {
      Probe probe = new Probe(loop);
      lag.probes.add(probe);
      try {
        loop.execute(probe::scheduleNext);
      } catch (RejectedExecutionException closing) {
        probe.closed = true; // the loops are shutting down: nothing left to measure
      }
    }
    return lag;
  }

  /** The worst lateness of any loop in the recent window, in seconds (0 before the first measurement). */
  public double worstSeconds() {
    long worst = 0;
    for (Probe probe : probes) {
      worst = Math.max(worst, Math.max(probe.previousWindowMax, probe.currentWindowMax));
    }
    return worst / 1e9;
  }

  @Override
  public void close() {
    for (Probe probe : probes) {
      probe.closed = true;
      ScheduledFuture<?> next = probe.next;
      if (next != null) {
        next.cancel(false);
      }
    }
  }

  /** One loop's measurement, confined to that loop except for the volatile fields read by scrapes. */
  private static final class Probe {
    private final EventExecutor loop;
    private long dueAt;
    private long windowStart = System.nanoTime();
    private volatile long currentWindowMax;
    private volatile long previousWindowMax;
    private volatile ScheduledFuture<?> next;
    private volatile boolean closed;

    Probe(EventExecutor loop) {
      this.loop = loop;
    }

    void scheduleNext() {
      if (closed || loop.isShuttingDown()) {
        return;
      }
      dueAt = System.nanoTime() + PERIOD_NANOS;
      try {
        next = loop.schedule(this::ran, PERIOD_NANOS, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        closed = true; // the loop began to shut down between the check and the schedule
      }
    }

    private void ran() {
      long now = System.nanoTime();
      if (now - windowStart >= WINDOW_NANOS) {
        previousWindowMax = currentWindowMax;
        currentWindowMax = 0;
        windowStart = now;
      }
      currentWindowMax = Math.max(currentWindowMax, Math.max(0, now - dueAt));
      scheduleNext();
    }
  }
}
