package io.mqttlb.admission;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleFunction;

/**
 * One broker's admission on this node, shared by all its event loops: the pacer at this node's share
 * of the broker's tier-wide cap, and the count of clients waiting for it on any loop (bounded by the
 * node's queue size). Thread-safe.
 *
 * <p>A node's share is the cap divided by the tier's live members, so that the tier as a whole stays
 * within the cap: a cap of 300/s on three nodes paces each at 100/s, and when one node leaves the
 * other two go up to 150/s. The split assumes the tier's load balancer spreads new clients evenly
 * over the nodes; a node that gets more than its share queues them, it never borrows another node's
 * share. When the cap goes to 0 (the broker's cap and the tier's default were removed) the gate opens:
 * everyone waiting is admitted at the next drain.
 *
 * <p>The connect path only reads: {@link #configure} runs on control threads (a broker change, a
 * member joining or leaving), and the pacer is thread-safe.
 */
public final class BrokerGate {
  private final ConnectPacer pacer;
  private final int queueBound;
  private final AtomicInteger waiting = new AtomicInteger();
  /** The cap and member count the pacer's rate was set from; written only in {@link #configure}. */
  private volatile int tierCap;
  private volatile int members;
  private volatile boolean open;

  /**
   * @param tierCap the broker's cap, new connections per second across the tier; more than 0
   * @param queueBound how many clients may wait on this node at once; 0 refuses whoever cannot pass at once
   */
  public BrokerGate(int tierCap, int members, int queueBound, DoubleFunction<ConnectPacer> pacers) {
    if (tierCap <= 0) {
      throw new IllegalArgumentException("a gate needs a cap, got " + tierCap);
    }
    this.tierCap = tierCap;
    this.members = Math.max(1, members);
    this.queueBound = queueBound;
    this.pacer = pacers.apply(nodeShare(tierCap, members));
  }

  /** New connections per second one node may open to a broker of {@code tierCap}, with {@code members} live nodes. */
  public static double nodeShare(int tierCap, int members) {
    return (double) tierCap / Math.max(1, members);
  }

  /**
   * Follows a change of the broker's cap or of the tier's membership (the pacer's rate changes only
   * when its share does). A cap of 0 opens the gate.
   */
  public synchronized void configure(int tierCap, int members) {
    int live = Math.max(1, members);
    if (tierCap <= 0) {
      open = true;
      return;
    }
    open = false;
    if (tierCap != this.tierCap || live != this.members) {
      this.tierCap = tierCap;
      this.members = live;
      pacer.setRate(nodeShare(tierCap, live));
    }
  }

  /** This node's rate now, new connections per second; infinite while open. */
  public double rate() {
    return open ? Double.POSITIVE_INFINITY : nodeShare(tierCap, members);
  }

  boolean tryAcquire() {
    return open || pacer.tryAcquire();
  }

  /** Takes a place in the queue if the bound allows one. */
  boolean reserve() {
    while (true) {
      int now = waiting.get();
      if (now >= queueBound) {
        return false;
      }
      if (waiting.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void release() {
    waiting.decrementAndGet();
  }

  /** Clients waiting for this broker on this node, on every event loop. */
  public int waiting() {
    return waiting.get();
  }
}
