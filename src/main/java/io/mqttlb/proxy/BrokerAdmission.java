package io.mqttlb.proxy;

import io.mqttlb.admission.AdmissionQueue;
import io.mqttlb.admission.AdmissionQueue.Ticket;
import io.mqttlb.admission.BrokerGate;
import io.mqttlb.admission.ConnectPacer;
import io.mqttlb.config.AdmissionLimits;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.metrics.Metrics.AdmissionMeters;
import io.netty.channel.EventLoop;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admission control of new connections to brokers with a connect-rate cap
 * ({@code brokers[].maxConnectRate}, else {@code limits.maxConnectRatePerBroker}). One
 * {@link BrokerGate} per capped broker paces the node's share of its cap; each event loop keeps its
 * own {@link AdmissionQueue} per broker for the clients that wait, drained by a timer on that loop,
 * so a waiting client is only ever touched on its own loop. A broker without a cap costs one map
 * lookup per connect.
 *
 * <p>The gates follow the broker set and the tier's membership through {@link #update}, called on
 * control threads; the connect path only reads them. Thread-safe.
 */
final class BrokerAdmission {
  private static final Logger log = LoggerFactory.getLogger(BrokerAdmission.class);
  /**
   * Drains run several times per permit: the pacer saves nothing up (see {@code RateLimiterPacer}), so
   * the time between a permit coming due and a drain taking it is pace lost; with one drain per
   * permit a storm got clearly less than the cap.
   */
  static final int DRAINS_PER_PERMIT = 4;
  /** ...but not more often than this (a fast cap admits several per drain)... */
  static final long MIN_DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** ...nor less often than this, which also bounds how late past its wait a client hears "server busy". */
  static final long MAX_DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** What a waiting client hears, on its own event loop, once its queue decided. */
  interface Waiter {
    void admitted();

    void expired();
  }

  private final AdmissionLimits limits;
  private final Metrics metrics;
  /** Gates of every broker that ever had a cap; a broker whose cap went (or that left) keeps an open gate. */
  private final Map<String, BrokerGate> gates = new ConcurrentHashMap<>();
  private final Map<EventLoop, LoopQueues> loops = new ConcurrentHashMap<>();

  BrokerAdmission(AdmissionLimits limits, Metrics metrics) {
    this.limits = limits;
    this.metrics = metrics;
  }

  /**
   * Follows the tier's broker set and its live members: a broker's cap is its own or the tier's
   * default, this node's share the cap divided by the members. Call it at start and after every
   * change of either, on a control thread.
   */
  synchronized void update(Collection<BrokerConfig> brokers, int liveMembers) {
    int members = Math.max(1, liveMembers);
    Set<String> capped = new HashSet<>();
    for (BrokerConfig broker : brokers) {
      int cap = limits.capOf(broker.maxConnectRate());
      if (cap <= 0) {
        continue;
      }
      capped.add(broker.id());
      BrokerGate gate = gates.get(broker.id());
      if (gate == null) {
        BrokerGate created = new BrokerGate(cap, members, limits.queue(), ConnectPacer::rateLimited);
        metrics.admission(broker.id()).bind(created::waiting, () -> rate(broker.id()));
        gates.put(broker.id(), created);
        log.info("broker {}: at most {} new connections/s across the tier, {}/s from this node of {}", broker.id(), cap,
            String.format("%.1f", BrokerGate.nodeShare(cap, members)), members);
      } else {
        gate.configure(cap, members);
      }
    }
    gates.forEach((id, gate) -> {
      if (!capped.contains(id)) {
        gate.configure(0, members); // opens it: whoever still waits goes at the next drain
      }
    });
  }

  /**
   * Offers a client routed to {@code brokerId} on {@code loop} (the client's own): null when the
   * broker is not capped (dial at once); else a ticket that says it passed, waits (then {@code waiter}
   * hears later, on {@code loop}, unless the ticket is cancelled) or was refused because the node's
   * queue for the broker is full. Counted in the broker's admission meters.
   */
  Ticket<Waiter> offer(String brokerId, EventLoop loop, Waiter waiter) {
    BrokerGate gate = gates.get(brokerId);
    if (gate == null || gate.rate() == Double.POSITIVE_INFINITY) {
      return null;
    }
    LoopQueue queue = loops.computeIfAbsent(loop, LoopQueues::new).queue(brokerId, gate);
    Ticket<Waiter> ticket = queue.queue.offer(waiter);
    AdmissionMeters meters = metrics.admission(brokerId);
    switch (ticket.verdict()) {
      case ADMITTED -> meters.admitted(0);
      case QUEUE_FULL -> meters.refused(Metrics.ADMISSION_QUEUE_FULL);
      case WAITING -> queue.scheduleDrain();
      default -> throw new IllegalStateException("offered, then " + ticket.verdict());
    }
    return ticket;
  }

  /** This node's pace towards a broker now, connections per second; 0 for a broker without a cap. */
  double rate(String brokerId) {
    BrokerGate gate = gates.get(brokerId);
    return gate == null || gate.rate() == Double.POSITIVE_INFINITY ? 0 : gate.rate();
  }

  /** One event loop's queues, by broker; confined to the loop. */
  private final class LoopQueues {
    private final EventLoop loop;
    private final Map<String, LoopQueue> byBroker = new HashMap<>();

    LoopQueues(EventLoop loop) {
      this.loop = loop;
    }

    LoopQueue queue(String brokerId, BrokerGate gate) {
      return byBroker.computeIfAbsent(brokerId, id -> new LoopQueue(loop, id, gate));
    }
  }

  /** One broker's queue on one loop, and the timer that drains it while clients wait. */
  private final class LoopQueue implements AdmissionQueue.Outcomes<Waiter> {
    private final EventLoop loop;
    private final BrokerGate gate;
    private final AdmissionMeters meters;
    private final AdmissionQueue<Waiter> queue;
    private boolean drainScheduled;

    LoopQueue(EventLoop loop, String brokerId, BrokerGate gate) {
      this.loop = loop;
      this.gate = gate;
      this.meters = metrics.admission(brokerId);
      this.queue = new AdmissionQueue<>(gate, limits.maxWait().toNanos(), System::nanoTime);
    }

    void scheduleDrain() {
      if (drainScheduled) {
        return;
      }
      drainScheduled = true;
      double rate = gate.rate();
      long perPermit = rate == Double.POSITIVE_INFINITY ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / rate);
      long delay = Math.max(MIN_DRAIN_NANOS, Math.min(MAX_DRAIN_NANOS, perPermit / DRAINS_PER_PERMIT));
      loop.schedule(this::drain, delay, TimeUnit.NANOSECONDS);
    }

    private void drain() {
      drainScheduled = false;
      if (queue.drain(this)) {
        scheduleDrain();
      }
    }

    @Override
    public void admitted(Waiter client, long waitedNanos) {
      meters.admitted(waitedNanos);
      client.admitted();
    }

    @Override
    public void expired(Waiter client, long waitedNanos) {
      meters.refused(Metrics.ADMISSION_WAIT_EXPIRED);
      client.expired();
    }
  }
}
