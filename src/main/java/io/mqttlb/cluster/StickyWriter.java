package io.mqttlb.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes sticky entries on one background thread, so that event loops never wait for the cluster.
 *
 * <p>Pending writes are kept per key, latest broker wins, so a burst of reconnects of one client
 * costs one write. The queue is bounded ({@link #MAX_PENDING} keys): beyond it writes are dropped
 * and counted, which costs stickiness for those clients, never memory. The thread also keeps the
 * sticky map within {@code maxEntries}: before a new key would exceed the bound, and once a second
 * (other nodes' writes replicate in later), it removes the entries that expire soonest, which are
 * the least recently refreshed.
 */
final class StickyWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StickyWriter.class);
  static final int MAX_PENDING = 100_000;
  private static final long ENFORCE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final SharedMap sticky;
  private final Duration ttl;
  private final long maxEntries;
  private final ConcurrentHashMap<String, String> pending = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final Thread thread;
  private volatile boolean running = true;

  StickyWriter(SharedMap sticky, Duration ttl, long maxEntries) {
    this.sticky = sticky;
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.thread = new Thread(this::run, "mqttlb-sticky-writer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void enqueue(String key, String broker) {
    if (pending.size() >= MAX_PENDING && !pending.containsKey(key)) {
      dropped.increment();
      return;
    }
    pending.put(key, broker);
    LockSupport.unpark(thread);
  }

  long dropped() {
    return dropped.sum();
  }

  long evicted() {
    return evicted.sum();
  }

  private void run() {
    long nextEnforce = System.nanoTime() + ENFORCE_EVERY_NANOS;
    while (running) {
      try {
        for (String key : pending.keySet()) {
          String broker = pending.remove(key);
          if (broker != null) {
            write(key, broker);
          }
        }
        if (System.nanoTime() - nextEnforce >= 0) {
          nextEnforce = System.nanoTime() + ENFORCE_EVERY_NANOS;
          enforceBound(0);
        }
        if (pending.isEmpty()) {
          LockSupport.parkNanos(ENFORCE_EVERY_NANOS);
        }
      } catch (RuntimeException e) {
        if (running) { // a cluster that is shutting down throws from every call
          log.warn("writing sticky entries failed: {}", e.toString());
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
      }
    }
  }

  private void write(String key, String broker) {
    if (sticky.get(key) == null) {
      enforceBound(1);
    }
    sticky.put(key, TableEntry.encode(broker, System.currentTimeMillis() + ttl.toMillis()), ttl);
  }

  /** Makes room so that {@code adding} more entries keep the map within the bound. */
  private void enforceBound(int adding) {
    long excess = sticky.size() + adding - maxEntries;
    if (excess <= 0) {
      return;
    }
    // Free a twentieth more than needed so that a full table is not scanned on every new key.
    long toRemove = Math.min(sticky.size(), excess + Math.max(0, maxEntries / 20));
    List<Map.Entry<String, String>> entries = new ArrayList<>(sticky.copy().entrySet());
    entries.sort(Map.Entry.comparingByValue((a, b) -> Long.compare(TableEntry.expiresAtOf(a), TableEntry.expiresAtOf(b))));
    for (int i = 0; i < toRemove && i < entries.size(); i++) {
      sticky.remove(entries.get(i).getKey());
      evicted.increment();
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
