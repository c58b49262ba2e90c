package io.mqttlb.loadtest;

import java.util.Arrays;

/**
 * The ids of the last few messages one user received, so a QoS 1 message the broker delivers again
 * (its PUBACK was still in flight when the user disconnected, and the persistent session resends it
 * on reconnect) counts as a duplicate, not as a second delivery. Redeliveries are bounded by the
 * broker's in-flight window (Mosquitto: 20), so a small ring is enough and a fleet of users stays
 * cheap: 1 KiB per user, allocated at its first message.
 */
final class RecentMessageIds {
  static final int CAPACITY = 128;

  private final long[] ids = new long[CAPACITY];
  private int size;
  private int next;

  /** Remembers {@code id}; false when it was among the last {@link #CAPACITY} remembered. */
  boolean firstTime(long id) {
    for (int i = 0; i < size; i++) {
      if (ids[i] == id) {
        return false;
      }
    }
    ids[next] = id;
    next = (next + 1) % CAPACITY;
    size = Math.min(size + 1, CAPACITY);
    return true;
  }

  @Override
  public String toString() {
    return "RecentMessageIds" + Arrays.toString(Arrays.copyOf(ids, size));
  }
}
