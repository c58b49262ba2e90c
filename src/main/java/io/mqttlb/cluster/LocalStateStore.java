package io.mqttlb.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The state of a standalone node: plain concurrent maps in this process, TTLs checked on read. Entry
 * listeners run on the thread that made the change (for an expired entry, the thread that noticed).
 */
public final class LocalStateStore implements StateStore {
  private final String nodeId;
  private final Map<String, LocalMap> maps = new ConcurrentHashMap<>();

  public LocalStateStore(String nodeId) {
    this.nodeId = nodeId;
  }

  @Override
  public SharedMap map(String name) {
    return maps.computeIfAbsent(name, n -> new LocalMap());
  }

  @Override
  public boolean claimSeed(String nodeId) {
    return true;
  }

  @Override
  public List<String> members() {
    return List.of(nodeId);
  }

  /** This node is the only member, for good: nothing to run. */
  @Override
  public void onMembersChange(Runnable listener) {
  }

  /** A lone node has no cluster to merge into: nothing to run. */
  @Override
  public void onClusterMerge(Runnable beforeMerge, Runnable afterMerge) {
  }

  @Override
  public boolean clustered() {
    return false;
  }

  private static final class LocalMap implements SharedMap {
    /** A value and when it expires ({@code System.nanoTime()}), or {@link Long#MAX_VALUE}. */
    private record Timed(String value, long expiresAtNanos) {
      boolean expired(long now) {
        return expiresAtNanos != Long.MAX_VALUE && now - expiresAtNanos >= 0;
      }
    }

    /** Purging walks the whole map: at most once a second, so that size() stays cheap for callers. */
    private static final long PURGE_EVERY_NANOS = 1_000_000_000L;

    private final ConcurrentHashMap<String, Timed> entries = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<EntryChanges> entryListeners = new CopyOnWriteArrayList<>();
    private volatile long lastPurge = System.nanoTime();

    @Override
    public String get(String key) {
      Timed timed = entries.get(key);
      if (timed == null) {
        return null;
      }
      if (timed.expired(System.nanoTime())) {
        if (entries.remove(key, timed)) {
          entryListeners.forEach(l -> l.removed(key));
        }
        return null;
      }
      return timed.value();
    }

    @Override
    public void put(String key, String value) {
      entries.put(key, new Timed(value, Long.MAX_VALUE));
      entryListeners.forEach(l -> l.put(key, value));
      changed();
    }

    @Override
    public void put(String key, String value, Duration ttl) {
      entries.put(key, new Timed(value, System.nanoTime() + ttl.toNanos()));
      entryListeners.forEach(l -> l.put(key, value));
      changed();
    }

    @Override
    public String remove(String key) {
      Timed removed = entries.remove(key);
      if (removed != null) {
        entryListeners.forEach(l -> l.removed(key));
        changed();
      }
      return removed == null || removed.expired(System.nanoTime()) ? null : removed.value();
    }

    /** The entries, expired ones included until the next purge (at most a second later). */
    @Override
    public int size() {
      if (System.nanoTime() - lastPurge >= PURGE_EVERY_NANOS) {
        purgeExpired();
      }
      return entries.size();
    }

    @Override
    public Map<String, String> copy() {
      purgeExpired();
      Map<String, String> copy = new HashMap<>();
      entries.forEach((k, v) -> copy.put(k, v.value()));
      return copy;
    }

    @Override
    public void onChange(Runnable listener) {
      listeners.add(listener);
    }

    @Override
    public void onEntryChange(EntryChanges listener) {
      entryListeners.add(listener);
    }

    private void purgeExpired() {
      long now = System.nanoTime();
      lastPurge = now;
      entries.forEach((key, timed) -> {
        if (timed.expired(now) && entries.remove(key, timed)) {
          entryListeners.forEach(l -> l.removed(key));
        }
      });
    }

    private void changed() {
      listeners.forEach(Runnable::run);
    }
  }
}
