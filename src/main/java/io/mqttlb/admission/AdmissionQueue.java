package io.mqttlb.admission;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The clients of one event loop that wait for one broker's {@link BrokerGate}, first in first out.
 * Confined to its event loop (not thread-safe); the gate it shares with the broker's other queues is.
 *
 * <p>A client {@link #offer offered} passes at once when nobody waits for the broker on this node and
 * the gate has a permit; else it takes a place in the queue if the node's bound leaves one, and is
 * refused ({@link Verdict#QUEUE_FULL}) if not. Each {@link #drain} first drops the clients that
 * left, refuses those that waited {@code maxWait} ({@link Verdict#WAIT_EXPIRED}), then admits from
 * the head as long as the gate gives permits. Every client waits the same {@code maxWait}, so the
 * head is always the first to expire, and a drain never looks past the first client that must
 * still wait. A worked example, maxWait 100 ms, a gate of one permit per 40 ms:
 *
 * <pre>
 *   t=0    offer a → ADMITTED (permit)     offer b → WAITING    offer c → WAITING
 *   t=40   drain: b admitted (permit); c must wait
 *   t=50   c.cancel(): c left (its place in the bound is free at once)
 *   t=60   offer d → WAITING
 *   t=80   drain: c dropped; d admitted (permit)
 * </pre>
 *
 * Across the loops of a node the broker's queues take permits as their drains come round: FIFO holds
 * within a loop, and roughly across loops.
 *
 * @param <T> what waits: the caller's client
 */
public final class AdmissionQueue<T> {
  /** What became of a client offered or drained. */
  public enum Verdict { ADMITTED, WAITING, QUEUE_FULL, WAIT_EXPIRED, LEFT }

  /** Told, during {@link #drain}, what became of each client that was waiting. */
  public interface Outcomes<T> {
    void admitted(T client, long waitedNanos);

    void expired(T client, long waitedNanos);
  }

  private final BrokerGate gate;
  private final long maxWaitNanos;
  private final LongSupplier nanoClock;
  private final ArrayDeque<Ticket<T>> waiting = new ArrayDeque<>();

  /** @param nanoClock {@link System#nanoTime} in production */
  public AdmissionQueue(BrokerGate gate, long maxWaitNanos, LongSupplier nanoClock) {
    this.gate = gate;
    this.maxWaitNanos = maxWaitNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * Offers a client: its ticket says whether it passed, waits (then {@link #drain} decides) or was
   * refused because the node's queue for the broker is full.
   */
  public Ticket<T> offer(T client) {
    long now = nanoClock.getAsLong();
    // Clients already waiting anywhere on the node go first: a newcomer takes a permit only when none waits.
    if (gate.waiting() == 0 && gate.tryAcquire()) {
      return new Ticket<>(this, client, now, Verdict.ADMITTED);
    }
    if (!gate.reserve()) {
      return new Ticket<>(this, client, now, Verdict.QUEUE_FULL);
    }
    Ticket<T> ticket = new Ticket<>(this, client, now, Verdict.WAITING);
    waiting.addLast(ticket);
    return ticket;
  }

  /**
   * Drops the clients that left, refuses the expired, admits what the gate allows, telling
   * {@code outcomes} in queue order; returns whether clients still wait (so that the caller drains again).
   */
  public boolean drain(Outcomes<T> outcomes) {
    long now = nanoClock.getAsLong();
    while (!waiting.isEmpty()) {
      Ticket<T> head = waiting.peekFirst();
      if (head.verdict == Verdict.LEFT) { // its place in the bound was released when it left
        waiting.pollFirst();
        continue;
      }
      long waited = now - head.since;
      if (waited >= maxWaitNanos) {
        settle(head, Verdict.WAIT_EXPIRED);
        outcomes.expired(head.client, waited);
      } else if (gate.tryAcquire()) {
        settle(head, Verdict.ADMITTED);
        outcomes.admitted(head.client, waited);
      } else {
        return true;
      }
    }
    return false;
  }

  private void settle(Ticket<T> head, Verdict verdict) {
    waiting.pollFirst();
    head.verdict = verdict;
    gate.release();
  }

  /** Clients waiting in this queue, those that left but are not dropped yet included. */
  public int size() {
    return waiting.size();
  }

  /** One client's place: its verdict, final unless {@link Verdict#WAITING}. */
  public static final class Ticket<T> {
    private final AdmissionQueue<T> queue;
    private final T client;
    private final long since;
    private Verdict verdict;

    private Ticket(AdmissionQueue<T> queue, T client, long since, Verdict verdict) {
      this.queue = queue;
      this.client = client;
      this.since = since;
      this.verdict = verdict;
    }

    public Verdict verdict() {
      return verdict;
    }

    /** When the client was offered, on the queue's clock. */
    public long since() {
      return since;
    }

    /**
     * The client left while waiting: it will never be admitted, and its place in the node's bound is
     * free at once (the queue drops the ticket at a later drain). Nothing happens once decided.
     */
    public void cancel() {
      if (verdict == Verdict.WAITING) {
        verdict = Verdict.LEFT;
        queue.gate.release();
      }
    }
  }
}
