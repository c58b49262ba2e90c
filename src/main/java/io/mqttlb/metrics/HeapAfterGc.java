package io.mqttlb.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
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
 * <p>One per JVM (the heap is the JVM's, and each listener would stay registered for good): its
 * value is kept by a listener on every collector's notifications; 0 before the first collection.
 */
final class HeapAfterGc {
  private static final HeapAfterGc INSTANCE = new HeapAfterGc();

  private final AtomicLong bytes = new AtomicLong();
  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

  private HeapAfterGc() {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
            bytes.set(heapUsed(info.getMemoryUsageAfterGc()));
          }
        }, null, null);
      }
    }
  }

  static HeapAfterGc instance() {
    return INSTANCE;
  }

  double bytes() {
    return bytes.get();
  }

  private long heapUsed(Map<String, MemoryUsage> afterGc) {
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : afterGc.entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    return used;
  }
}
