package io.mqttlb.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.mqttlb.routing.RoutingTable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A prototype, for {@link RouteDecisionBenchmark} only: the routing table read from plain {@link
 * ConcurrentHashMap} mirrors of the tier's replicated maps, kept current by entry listeners, with
 * each value decoded once when it arrives instead of on every read. A read then neither serializes
 * the key (as {@code ReplicatedMap.get} does to find its partition) nor cuts the broker id out of
 * the stored string; broker ids are shared, one instance per broker.
 *
 * <p>Not production code: it copies the maps after registering its listeners, so a removal that
 * lands between the two can be undone by the copy; a real one would reconcile (or copy first and
 * replay buffered events).
 */
final class MirroredTable implements RoutingTable {
  /** A decoded table value: a shared broker id and the expiry, epoch milliseconds or 0. */
  private record Entry(String broker, long expiresAt) {}

  private final ConcurrentHashMap<String, String> brokerIds = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry> overrides = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry> sticky = new ConcurrentHashMap<>();

  MirroredTable(HazelcastInstance hazelcast) {
    mirror(hazelcast.getReplicatedMap(HazelcastStateStore.PREFIX + "overrides"), overrides);
    mirror(hazelcast.getReplicatedMap(HazelcastStateStore.PREFIX + "sticky"), sticky);
  }

  @Override
  public String overrideBroker(String key) {
    return live(overrides.get(key));
  }

  @Override
  public String stickyBroker(String key) {
    return live(sticky.get(key));
  }

  int size() {
    return overrides.size() + sticky.size();
  }

  private static String live(Entry entry) {
    if (entry == null || entry.expiresAt != 0 && entry.expiresAt <= System.currentTimeMillis()) {
      return null;
    }
    return entry.broker;
  }

  private void mirror(ReplicatedMap<String, String> source, ConcurrentHashMap<String, Entry> into) {
    source.addEntryListener(new EntryListener<String, String>() {
      @Override
      public void entryAdded(EntryEvent<String, String> event) {
        put(event);
      }

      @Override
      public void entryUpdated(EntryEvent<String, String> event) {
        put(event);
      }

      @Override
      public void entryRemoved(EntryEvent<String, String> event) {
        into.remove(event.getKey());
      }

      @Override
      public void entryEvicted(EntryEvent<String, String> event) {
        into.remove(event.getKey());
      }

      @Override
      public void entryExpired(EntryEvent<String, String> event) {
        into.remove(event.getKey());
      }

      @Override
      public void mapCleared(MapEvent event) {
        into.clear();
      }

      @Override
      public void mapEvicted(MapEvent event) {
        into.clear();
      }

      private void put(EntryEvent<String, String> event) {
        Entry entry = decode(event.getValue());
        if (entry != null) {
          into.put(event.getKey(), entry);
        }
      }
    });
    for (Map.Entry<String, String> stored : source.entrySet()) {
      Entry entry = decode(stored.getValue());
      if (entry != null) {
        into.putIfAbsent(stored.getKey(), entry);
      }
    }
  }

  private Entry decode(String value) {
    String broker = TableEntry.brokerOf(value);
    return broker == null ? null : new Entry(brokerIds.computeIfAbsent(broker, b -> b), TableEntry.expiresAtOf(value));
  }
}
