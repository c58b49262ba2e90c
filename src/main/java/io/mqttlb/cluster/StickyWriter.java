package io.mqttlb.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes sticky entries on one background thread, so that event loops never wait for the cluster.
 *
 * <p>{@link #enqueue} runs on the event loop and decides there, from the node's {@link TableMirror}
 * of the sticky map, whether a write is needed at all: a write that would only move an entry's
 * expiry a little is skipped (see {@link StickyEvent}) without waking anything. A needed write goes
 * into the mirror at once, so that this node's next lookup of the key sees it, and into the pending
 * writes, kept per key, latest broker wins. The thread wakes every {@link #FLUSH_INTERVAL} and
 * writes what gathered as one batch, whose puts the store overlaps ({@link SharedMap#putAll}): one
 * wake-up and one wait per batch instead of one per write, and several events of one key within an
 * interval cost one write. Other nodes see an entry within that interval plus the cluster's
 * replication delay.
 *
 * <p>The queue is bounded ({@link #MAX_PENDING} keys): beyond it writes are dropped and counted,
 * which costs stickiness for those clients, never memory. The thread also keeps the sticky map
 * within {@code maxEntries}: before a new key would exceed the bound, and once a second (other
 * nodes' writes replicate in later), it removes the entries that expire soonest, which are the
 * least recently refreshed.
 */
final class StickyWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StickyWriter.class);
  static final int MAX_PENDING = 100_000;
  /** Entries handed to the store in one call, at most. */
  static final int MAX_BATCH = 1000;
  /** How long writes gather before the thread writes them. */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(50);
  private static final long ENFORCE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Connected clients' entries are refreshed every half TTL, within these bounds. */
  static final Duration MIN_REFRESH = Duration.ofSeconds(1);
  static final Duration MAX_REFRESH = Duration.ofMinutes(10);

  /** A write waiting for the thread: the entry as the mirror took it, and whether the key was new. */
  private record Pending(TableMirror.Entry entry, boolean newKey) {}

  private final SharedMap sticky;
  private final TableMirror mirror;
  private final Duration ttl;
  private final long ttlMillis;
  private final Duration refreshInterval;
  private final long maxEntries;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final Thread thread;
  private volatile boolean running = true;
  /**
   * The map's size at the last count, plus the keys this writer added since. Counting is left to
   * the store (a replicated map sums its partitions), so the writer counts once a second and when
   * this estimate reaches the bound, not on every new key.
   */
  private long estimatedSize;

  StickyWriter(SharedMap sticky, TableMirror mirror, Duration ttl, long maxEntries) {
    this.sticky = sticky;
    this.mirror = mirror;
    this.ttl = ttl;
    this.ttlMillis = ttl.toMillis();
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

  /** Runs on the event loop: never blocks, and allocates only for a write that is needed. */
  void enqueue(String key, String broker, StickyEvent event) {
    long now = System.currentTimeMillis();
    TableMirror.Entry current = mirror.get(key);
    boolean live = current != null && current.liveAt(now);
    if (live && current.broker().equals(broker)
        && current.expiresAt() - now >= event.minRemainingMillis(ttl, refreshInterval)) {
      skipped.increment();
      return;
    }
    if (pending.size() >= MAX_PENDING && !pending.containsKey(key)) {
      dropped.increment();
      return;
    }
    TableMirror.Entry entry = mirror.putLocal(key, broker, now + ttlMillis);
    Pending previous = pending.put(key, new Pending(entry, !live));
    if (previous != null && previous.newKey() && live) {
      pending.put(key, new Pending(entry, true)); // still new to the store: its first write is this one
    }
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

  /** Writes made to the shared map (evictions not counted). */
  long written() {
    return written.sum();
  }

  private void run() {
    long nextEnforce = System.nanoTime() + ENFORCE_EVERY_NANOS;
    while (running) {
      try {
        flush();
        if (System.nanoTime() - nextEnforce >= 0) {
          nextEnforce = System.nanoTime() + ENFORCE_EVERY_NANOS;
          enforceBound(0);
        }
        LockSupport.parkNanos(FLUSH_INTERVAL.toNanos());
      } catch (RuntimeException e) {
        if (running) { // a cluster that is shutting down throws from every call
          log.warn("writing sticky entries failed: {}", e.toString());
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
      }
    }
    try {
      flush(); // what gathered since the last pass
    } catch (RuntimeException e) {
      log.debug("sticky writes left unwritten at close: {}", e.toString());
    }
  }

  /** Writes what gathered, in batches whose puts the store may overlap ({@link SharedMap#putAll}). */
  private void flush() {
    List<SharedMap.TimedPut> batch = new ArrayList<>();
    for (String key : pending.keySet()) {
      Pending write = pending.remove(key);
      if (write != null) {
        add(key, write, batch);
        if (batch.size() == MAX_BATCH) {
          write(batch);
        }
      }
    }
    write(batch);
  }

  private void add(String key, Pending write, List<SharedMap.TimedPut> batch) {
    if (write.newKey()) {
      if (estimatedSize + 1 > maxEntries) {
        write(batch); // so that the count below includes the batch's own new keys
        enforceBound(1);
      }
      estimatedSize++;
    }
    // The TTL counts from the event, not from this write, and matches the expiry in the value.
    long remaining = write.entry().expiresAt() - System.currentTimeMillis();
    if (remaining > 0) {
      batch.add(new SharedMap.TimedPut(key, TableEntry.encode(write.entry().broker(), write.entry().expiresAt()),
          remaining));
    }
  }

  private void write(List<SharedMap.TimedPut> batch) {
    if (!batch.isEmpty()) {
      sticky.putAll(batch);
      written.add(batch.size());
      batch.clear();
    }
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
    // The mirror holds what the map holds, decoded, so sorting it needs no copy of the map; entries
    // this node has not written yet are its newest, never among the soonest to expire.
    mirror.purgeExpired(System.currentTimeMillis());
    for (String key : mirror.soonestToExpire(toRemove)) {
      sticky.remove(key);
      mirror.removeLocal(key);
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
