package io.mqttlb.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.spi.impl.InitializingObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The tier's state in Hazelcast. Every map is a {@link ReplicatedMap}: each member holds a full copy,
 * so the reads on the connect path never leave the process; writes replicate
 * asynchronously, within milliseconds on loopback. The seed claim uses a partitioned IMap because it
 * needs one atomic answer for the whole cluster, which a replicated map cannot give.
 */
public final class HazelcastStateStore implements StateStore {
  /** Member attribute carrying the mqttlb node id, so that {@link #members()} can name nodes. */
  public static final String NODE_ATTRIBUTE = "mqttlb.node";
  /** Prefix of every structure this store creates; {@link HazelcastSetup} configures them. */
  public static final String PREFIX = "mqttlb.";

  private final HazelcastInstance hazelcast;
  private final Set<String> opened = ConcurrentHashMap.newKeySet();

  public HazelcastStateStore(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  @Override
  public SharedMap map(String name) {
    opened.add(name);
    ReplicatedMap<String, String> map = hazelcast.getReplicatedMap(PREFIX + name);
    return new Replicated(map, PipelinedPuts.of(map));
  }

  /**
   * Opens the maps on one thread each. On a member that joins a running cluster, opening a
   * replicated map waits for its full copy (async fill-up is off), and Hazelcast polls for that copy
   * once a second: opened one after the other, four maps cost four seconds or more of startup.
   */
  @Override
  public List<SharedMap> maps(String... names) {
    List<CompletableFuture<SharedMap>> opening = new ArrayList<>();
    for (String name : names) {
      opening.add(CompletableFuture.supplyAsync(() -> map(name), runnable -> {
        Thread thread = new Thread(runnable, "mqttlb-open-" + name);
        thread.setDaemon(true);
        thread.start();
      }));
    }
    List<SharedMap> maps = new ArrayList<>();
    try {
      for (CompletableFuture<SharedMap> map : opening) {
        maps.add(map.join());
      }
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    return maps;
  }

  @Override
  public boolean claimSeed(String nodeId) {
    return hazelcast.<String, String>getMap(PREFIX + "meta").putIfAbsent("seededBy", nodeId) == null;
  }

  @Override
  public List<String> members() {
    List<String> ids = new ArrayList<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      String id = member.getAttribute(NODE_ATTRIBUTE);
      ids.add(id != null ? id : member.getAddress().toString());
    }
    return ids;
  }

  @Override
  public void onMembersChange(Runnable listener) {
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        listener.run();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        listener.run();
      }
    });
  }

  /**
   * Hazelcast fires MERGING, on the thread that runs the merge, before it empties this member's
   * maps, and MERGED once the member has joined the larger cluster. At that point a replicated
   * map's copy is not filled again in full: measured with Hazelcast 5.3, entries of some partitions
   * were still missing 40 s later (docs/split-brain.md). So each map opened here first runs the
   * fill a joining member runs when it opens a map (it asks every partition's owner for its data and
   * waits for it), on a thread of its own, and {@code afterMerge} runs after that.
   */
  @Override
  public void onClusterMerge(Runnable beforeMerge, Runnable afterMerge) {
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
        beforeMerge.run();
      } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        Thread thread = new Thread(() -> {
          refillOpenedMaps();
          afterMerge.run();
        }, "mqttlb-after-merge");
        thread.setDaemon(true);
        thread.start();
      }
    });
  }

  private void refillOpenedMaps() {
    for (String name : opened) {
      if (hazelcast.getReplicatedMap(PREFIX + name) instanceof InitializingObject map) {
        map.initialize();
      }
    }
  }

  @Override
  public boolean clustered() {
    return true;
  }

  /** A replicated map; {@code pipeline} is null when the proxy cannot take overlapped puts. */
  private record Replicated(ReplicatedMap<String, String> map, PipelinedPuts pipeline) implements SharedMap {
    @Override
    public String get(String key) {
      return map.get(key);
    }

    @Override
    public void put(String key, String value) {
      map.put(key, value);
    }

    @Override
    public void put(String key, String value, Duration ttl) {
      map.put(key, value, Math.max(1, ttl.toMillis()), TimeUnit.MILLISECONDS);
    }

    @Override
    public void putAll(List<TimedPut> puts) {
      if (pipeline == null) {
        SharedMap.super.putAll(puts);
      } else {
        pipeline.putAll(puts);
      }
    }

    @Override
    public String remove(String key) {
      return map.remove(key);
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public Map<String, String> copy() {
      Map<String, String> copy = new HashMap<>();
      for (Map.Entry<String, String> entry : map.entrySet()) {
        copy.put(entry.getKey(), entry.getValue());
      }
      return copy;
    }

    @Override
    public void onChange(Runnable listener) {
      map.addEntryListener(new EntryAdapter<String, String>() {
        @Override
        public void onEntryEvent(EntryEvent<String, String> event) {
          listener.run();
        }

        @Override
        public void onMapEvent(MapEvent event) {
          listener.run();
        }
      });
    }

    @Override
    public void onEntryChange(EntryChanges listener) {
      map.addEntryListener(new EntryListener<String, String>() {
        @Override
        public void entryAdded(EntryEvent<String, String> event) {
          listener.put(event.getKey(), event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
          listener.put(event.getKey(), event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
          listener.removed(event.getKey());
        }

        // A replicated map reports an entry whose TTL ran out as evicted; expired is handled alike
        // in case a later version tells them apart.
        @Override
        public void entryEvicted(EntryEvent<String, String> event) {
          listener.removed(event.getKey());
        }

        @Override
        public void entryExpired(EntryEvent<String, String> event) {
          listener.removed(event.getKey());
        }

        @Override
        public void mapCleared(MapEvent event) {
          listener.cleared();
        }

        @Override
        public void mapEvicted(MapEvent event) {
          listener.cleared();
        }
      });
    }
  }
}
