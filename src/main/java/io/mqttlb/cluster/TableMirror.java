package io.mqttlb.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local, decoded copy of one table map (overrides or sticky entries), for the connect path: a
 * lookup is one {@link ConcurrentHashMap#get} and a comparison of the entry's expiry with a coarse
 * clock, and allocates nothing. The shared map stays the source of truth; this copy follows it through
 * its entry events and is filled from it once, and it takes this node's own writes at once
 * ({@link #putLocal}, {@link #removeLocal}), before they have gone round the cluster, so that a
 * client that reconnects to this node right away finds the entry its first connect made.
 *
 * <p><b>Invariants.</b> Each stored value {@code broker|expiresAt} is decoded once, on arrival, into
 * an {@link Entry} whose broker id is the interned instance (a table of a million entries naming a
 * few brokers holds a few strings, and the ring, which interns its ids too, finds the id by a
 * reference check). An
 * entry is live while {@code expiresAt} is 0 or in the future; an expired entry may stay until the
 * store reports it gone, and is never answered. Values that do not decode are left out.
 *
 * <p><b>Filling.</b> {@link #follow} registers for changes first and copies the map second; a key
 * changed by an event while the copy runs keeps the event's answer ({@code putIfAbsent}), and a
 * removal during the copy leaves a tombstone so that the copy cannot bring the entry back; the
 * tombstones are swept once the copy is in.
 *
 * <p><b>Ordering.</b> Changes of one key arrive in the order the store applied them, but this
 * node's own write lands here before the store's event for it, and an event for an earlier write of
 * the same key may arrive in between: for a moment the copy may show the earlier value, and the
 * event of the own write then sets it right.
 *
 * <p>Thread-safe; lookups never lock.
 */
final class TableMirror implements EntryChanges {
  /** A decoded table value: a shared broker id and the expiry, epoch milliseconds or 0 for never. */
  record Entry(String broker, long expiresAt) {
    boolean liveAt(long now) {
      return expiresAt == 0 || expiresAt > now;
    }
  }

  /** A key removed while the initial copy was running: dead to lookups, and kept out of the copy. */
  private static final Entry REMOVED = new Entry("", 1);

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> brokerIds = new ConcurrentHashMap<>();
  private volatile boolean filling;

  private TableMirror() {}

  /** A copy of {@code source} that follows it from now on. Reads the whole map: call off the event loop. */
  static TableMirror follow(SharedMap source) {
    TableMirror mirror = new TableMirror();
    mirror.filling = true;
    source.onEntryChange(mirror);
    for (Map.Entry<String, String> stored : source.copy().entrySet()) {
      Entry entry = mirror.decode(stored.getValue());
      if (entry != null) {
        mirror.entries.putIfAbsent(stored.getKey(), entry);
      }
    }
    mirror.filling = false;
    // A removal that read `filling` just before it was cleared may still leave a tombstone: it is
    // dead to lookups and goes with the next purge.
    mirror.entries.values().removeIf(entry -> entry == REMOVED);
    return mirror;
  }

  /**
   * The broker of the key's live entry, or null. Allocates nothing, and reads the time from {@link
   * CoarseClock}: an entry may be answered for a few milliseconds after it expired.
   */
  String liveBroker(String key) {
    Entry entry = entries.get(key);
    return entry != null && entry.liveAt(CoarseClock.millis()) ? entry.broker : null;
  }

  /** The key's entry, live or not (tombstones included), or null. */
  Entry get(String key) {
    return entries.get(key);
  }

  /** Takes this node's own write at once; returns the entry as stored. */
  Entry putLocal(String key, String broker, long expiresAt) {
    Entry entry = new Entry(sharedId(broker), expiresAt);
    entries.put(key, entry);
    return entry;
  }

  /** Takes this node's own removal at once. */
  void removeLocal(String key) {
    entries.remove(key);
  }

  /** Entries held, expired ones not yet reported gone included. */
  int size() {
    return entries.size();
  }

  /** The keys whose entries expire soonest (entries that never expire last), at most {@code limit}. */
  List<String> soonestToExpire(long limit) {
    List<Map.Entry<String, Entry>> all = new ArrayList<>(entries.entrySet());
    all.sort((a, b) -> Long.compareUnsigned(a.getValue().expiresAt - 1, b.getValue().expiresAt - 1));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < limit && i < all.size(); i++) {
      keys.add(all.get(i).getKey());
    }
    return keys;
  }

  /** Drops entries that expired by {@code now} and that the store has not reported gone. */
  void purgeExpired(long now) {
    entries.values().removeIf(entry -> !entry.liveAt(now));
  }

  @Override
  public void put(String key, String value) {
    Entry entry = decode(value);
    if (entry == null) {
      entries.remove(key);
      return;
    }
    Entry current = entries.get(key);
    // The event of this node's own write carries what putLocal already stored: keep that instance.
    if (current == null || current.expiresAt != entry.expiresAt || !current.broker.equals(entry.broker)) {
      entries.put(key, entry);
    }
  }

  @Override
  public void removed(String key) {
    if (filling) {
      entries.put(key, REMOVED);
    } else {
      entries.remove(key);
    }
  }

  /**
   * Makes the copy equal to {@code stored} (the shared map's entries), dropping keys it lacks. For
   * when the shared map was replaced without entry events: after this node merged back into a cluster.
   * An event that lands while this runs may be overwritten by the older copy until its key changes
   * again; a merge is rare and its moment unplanned, so that window is accepted.
   */
  void refill(Map<String, String> stored) {
    entries.keySet().removeIf(key -> !stored.containsKey(key));
    stored.forEach(this::put);
  }

  @Override
  public void cleared() {
    entries.clear();
  }

  private Entry decode(String value) {
    String broker = TableEntry.brokerOf(value);
    return broker == null ? null : new Entry(sharedId(broker), TableEntry.expiresAtOf(value));
  }

  /** The interned id, which is also the ring's instance of it; the map spares a call into the JVM's string table. */
  private String sharedId(String broker) {
    String shared = brokerIds.get(broker);
    return shared != null ? shared : brokerIds.computeIfAbsent(broker, String::intern);
  }
}
