package io.mqttlb.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A string map that every node of the tier sees. Reads are local and cheap (callable on an event
 * loop); writes may block for a moment (call them off the event loop). Entries put with a TTL
 * disappear after it. Replication is asynchronous: another node sees a write within milliseconds
 * on loopback, not at once.
 */
public interface SharedMap {
  String get(String key);

  void put(String key, String value);

  /** Puts an entry that expires after {@code ttl}. */
  void put(String key, String value, Duration ttl);

  /** One entry of {@link #putAll}: a value that expires {@code ttlMillis} after it is written. */
  record TimedPut(String key, String value, long ttlMillis) {}

  /**
   * Puts each entry with its own TTL, as {@link #put(String, String, Duration)} would, and returns
   * once all are written. A store may overlap the writes, which costs much less than making them
   * one after another; the order in which they land is not defined.
   */
  default void putAll(List<TimedPut> puts) {
    for (TimedPut put : puts) {
      put(put.key(), put.value(), Duration.ofMillis(Math.max(1, put.ttlMillis())));
    }
  }

  /** Removes an entry; returns its value, or null when there was none. */
  String remove(String key);

  int size();

  /** A copy of the live entries, for listings; costs a pass over the whole map. */
  Map<String, String> copy();

  /** Runs {@code listener} (on some Hazelcast or caller thread) after any entry changed. */
  void onChange(Runnable listener);

  /**
   * Tells {@code listener} of every later change, entry by entry, expiry included (an expired entry
   * may be reported some time after its TTL ran out). Changes made before the call are not replayed:
   * a follower registers first, then copies the map ({@link #copy}), and lets changes win over the copy.
   */
  void onEntryChange(EntryChanges listener);
}
