package io.mqttlb.cluster;

/**
 * Entry-level changes of a {@link SharedMap}, for a local copy that follows it ({@link TableMirror}).
 * Called on the store's threads: Hazelcast's event threads, or the thread that made a change of an
 * in-process map. Changes of one key arrive in the order the store applied them; changes of
 * different keys may interleave in any order. An implementation must return quickly and must not
 * call back into the store.
 */
public interface EntryChanges {
  /** The entry was added or its value changed. */
  void put(String key, String value);

  /** The entry is gone: removed, evicted, or expired. */
  void removed(String key);

  /** Every entry is gone. */
  void cleared();
}
