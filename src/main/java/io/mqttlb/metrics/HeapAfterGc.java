package io.mqttlb.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap in use at the end of the JVM's most recent garbage collection, young or full, summed over
 * the heap pools: what survived, without the sawtooth of garbage that plain heap use shows.
 * Objects promoted to the old generation and dead since still count until a full collection, so a
 * steady node's figure drifts up between full collections and drops at each one; a leak keeps
 * rising through them.
 *
 * <p>The JVM's is one, {@link #instance} (the heap is the JVM's, and each listener would stay
 * registered for good): a listener on every collector's notifications hands each collection's pool
 * usage to {@link #collected}; 0 before the first collection. A test makes its own and feeds it
 * collections. Thread-safe.
 */
final class HeapAfterGc {
  private static final HeapAfterGc INSTANCE = listeningToCollectors(new HeapAfterGc(
      ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName).collect(Collectors.toSet())));

  private final AtomicLong bytes = new AtomicLong();
  private final Set<String> heapPools;

  /** @param heapPools the names of the memory pools that make up the heap; the others (metaspace, code cache) are left out */
  HeapAfterGc(Set<String> heapPools) {
    this.heapPools = Set.copyOf(heapPools);
  }

  static HeapAfterGc instance() {
    return INSTANCE;
  }

  private static HeapAfterGc listeningToCollectors(HeapAfterGc heap) {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            heap.collected(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                .getGcInfo().getMemoryUsageAfterGc());
          }
        }, null, null);
      }
    }
    return heap;
  }

  /** A collection ended, leaving each memory pool (by name) with this usage. */
  void collected(Map<String, MemoryUsage> afterGc) {
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : afterGc.entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    bytes.set(used);
  }

  double bytes() {
    return bytes.get();
  }
}
