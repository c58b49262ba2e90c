package io.mqttlb.loadtest;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Bounds the connects in flight (CONNECT sent, CONNACK not yet received): a storm of thousands of
 * users then queues here instead of overrunning the load generator's own sockets and threads.
 */
final class ConnectGate {
  private final int limit;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  ConnectGate(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("maxConnectsInFlight (" + limit + ") must be at least 1");
    }
    this.limit = limit;
  }

  /** Runs {@code start} now or when a connect in flight finishes; it must call {@link #release} once. */
  void acquire(Runnable start) {
    synchronized (this) {
      if (inFlight >= limit) {
        waiting.add(start);
        return;
      }
      inFlight++;
    }
    start.run();
  }

  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
