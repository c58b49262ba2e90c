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
 * costs one write; a write that would only move an entry's expiry a little is skipped (see
 * {@link StickyEvent}). The queue is bounded ({@link #MAX_PENDING} keys): beyond it writes are dropped
 * and counted, which costs stickiness for those clients, never memory. The thread also keeps the
 * sticky map within {@code maxEntries}: before a new key would exceed the bound, and once a second
 * (other nodes' writes replicate in later), it removes the entries that expire soonest, which are
 * the least recently refreshed.
 */
final class StickyWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StickyWriter.class);
  static final int MAX_PENDING = 100_000;
  private static final long ENFORCE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Connected clients' entries are refreshed every half TTL, within these bounds. */
  static final Duration MIN_REFRESH = Duration.ofSeconds(1);
  static final Duration MAX_REFRESH = Duration.ofMinutes(10);

  /** A write waiting for the thread: the broker and why. */
  private record Pending(String broker, StickyEvent event) {}

  private final SharedMap sticky;
  private final Duration ttl;
  private final Duration refreshInterval;
  private final long maxEntries;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final Thread thread;
  private volatile boolean running = true;
  /**
   * The map's size at the last count, plus the keys this writer added since. Counting costs a pass
   * over the whole map (expired entries are left out), so the writer counts once a second and when
   * this estimate reaches the bound, not on every new key.
   */
  private long estimatedSize;

  StickyWriter(SharedMap sticky, Duration ttl, long maxEntries) {
    this.sticky = sticky;
    this.ttl = ttl;
    this.refreshInterval = refreshInterval(ttl);
    this.maxEntries = maxEntries;
    this.thread = new Thread(this::run, "mqttlb-sticky-writer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** How often a connected client's entry is refreshed: half the TTL, within the bounds above. */
  static Duration refreshInterval(Duration ttl) {
    Duration half = ttl.dividedBy(2);
    return half.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : half.compareTo(MAX_REFRESH) > 0 ? MAX_REFRESH : half;
  }

  Duration refreshInterval() {
    return refreshInterval;
  }

  void enqueue(String key, String broker, StickyEvent event) {
    if (pending.size() >= MAX_PENDING && !pending.containsKey(key)) {
      dropped.increment();
      return;
    }
    pending.put(key, new Pending(broker, event));
    LockSupport.unpark(thread);
  }

  long skipped() {
    return skipped.sum();
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
          Pending write = pending.remove(key);
          if (write != null) {
            write(key, write);
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

  private void write(String key, Pending write) {
    String current = sticky.get(key);
    long now = System.currentTimeMillis();
    if (current == null) {
      if (estimatedSize + 1 > maxEntries) {
        enforceBound(1);
      }
      estimatedSize++;
    } else if (write.broker().equals(TableEntry.brokerOf(current))
        && TableEntry.expiresAtOf(current) - now >= write.event().minRemainingMillis(ttl, refreshInterval)) {
      skipped.increment();
      return;
    }
    sticky.put(key, TableEntry.encode(write.broker(), now + ttl.toMillis()), ttl);
  }

  /** Makes room so that {@code adding} more entries keep the map within the bound. */
  private void enforceBound(int adding) {
    long size = sticky.size();
    estimatedSize = size;
    long excess = size + adding - maxEntries;
    if (excess <= 0) {
      return;
    }
    // Free a twentieth more than needed so that a full table is not scanned on every new key.
    long toRemove = Math.min(size, excess + Math.max(0, maxEntries / 20));
    List<Map.Entry<String, String>> entries = new ArrayList<>(sticky.copy().entrySet());
    entries.sort(Map.Entry.comparingByValue((a, b) -> Long.compare(TableEntry.expiresAtOf(a), TableEntry.expiresAtOf(b))));
    for (int i = 0; i < toRemove && i < entries.size(); i++) {
      sticky.remove(entries.get(i).getKey());
      evicted.increment();
      estimatedSize--;
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
