package io.mqttlb.routing;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.RoutingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One immutable view of the routing state: the mode, the ring, each ring member's endpoint and
 * which members an operator drained, stamped with an epoch that grows with every change. A drained
 * broker stays on the ring (so that its keys go to their ring successors, and come back when it is
 * enabled) but gets no new clients. Nodes publish a new snapshot atomically and never mutate one,
 * so a connection is routed against a single consistent state.
 */
public final class RoutingSnapshot {
  private final long epoch;
  private final RoutingMode mode;
  private final HashRing ring;
  private final BrokerConfig[] brokersByRingIndex;
  /** Indexed by ring member: read on the connect path, so an array rather than a set. */
  private final boolean[] drainedByRingIndex;
  private final Set<String> drained;

  private RoutingSnapshot(long epoch, RoutingMode mode, HashRing ring, BrokerConfig[] brokersByRingIndex,
                          boolean[] drainedByRingIndex, Set<String> drained) {
    this.epoch = epoch;
    this.mode = mode;
    this.ring = ring;
    this.brokersByRingIndex = brokersByRingIndex;
    this.drainedByRingIndex = drainedByRingIndex;
    this.drained = drained;
  }

  /** A hash-mode snapshot. */
  public static RoutingSnapshot of(long epoch, Collection<BrokerConfig> brokers, int virtualNodes) {
    return of(epoch, RoutingMode.HASH, brokers, virtualNodes);
  }

  public static RoutingSnapshot of(long epoch, RoutingMode mode, Collection<BrokerConfig> brokers, int virtualNodes) {
    return of(epoch, mode, brokers, virtualNodes, Set.of());
  }

  /**
   * @param drained ids of drained brokers; ids that are not in {@code brokers} are ignored
   */
  public static RoutingSnapshot of(long epoch, RoutingMode mode, Collection<BrokerConfig> brokers, int virtualNodes,
                                   Set<String> drained) {
    List<RingMember> members = new ArrayList<>(brokers.size());
    for (BrokerConfig broker : brokers) {
      members.add(new RingMember(broker.id(), broker.weight()));
    }
    HashRing ring = HashRing.build(members, virtualNodes);
    BrokerConfig[] byIndex = new BrokerConfig[ring.memberCount()];
    for (BrokerConfig broker : brokers) {
      byIndex[ring.indexOf(broker.id())] = broker;
    }
    boolean[] drainedByIndex = new boolean[ring.memberCount()];
    Set<String> known = new TreeSet<>();
    for (String id : drained) {
      int index = ring.indexOf(id);
      if (index >= 0) {
        drainedByIndex[index] = true;
        known.add(id);
      }
    }
    return new RoutingSnapshot(epoch, mode, ring, byIndex, drainedByIndex, Set.copyOf(known));
  }

  public long epoch() {
    return epoch;
  }

  public RoutingMode mode() {
    return mode;
  }

  public HashRing ring() {
    return ring;
  }

  /** The broker at a ring member index. */
  public BrokerConfig broker(int ringIndex) {
    return brokersByRingIndex[ringIndex];
  }

  /** The brokers in ring order (sorted by id). */
  public List<BrokerConfig> brokers() {
    return List.of(brokersByRingIndex);
  }

  /** Whether the broker at a ring member index is drained: it gets no new clients. */
  public boolean isDrained(int ringIndex) {
    return drainedByRingIndex[ringIndex];
  }

  /** Ids of the drained brokers of this snapshot. */
  public Set<String> drained() {
    return drained;
  }

  public boolean isDrained(String id) {
    return drained.contains(id);
  }

  public BrokerConfig broker(String id) {
    int index = ring.indexOf(id);
    return index < 0 ? null : brokersByRingIndex[index];
  }
}
