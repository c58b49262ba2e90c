package io.mqttlb.routing;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.RoutingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One immutable view of the routing state: the mode, the ring and each ring member's endpoint,
 * stamped with an epoch that grows with every change. Nodes publish a new snapshot atomically and never mutate one,
 * so a connection is routed against a single consistent state.
 */
public final class RoutingSnapshot {
  private final long epoch;
  private final RoutingMode mode;
  private final HashRing ring;
  private final BrokerConfig[] brokersByRingIndex;

  private RoutingSnapshot(long epoch, RoutingMode mode, HashRing ring, BrokerConfig[] brokersByRingIndex) {
    this.epoch = epoch;
    this.mode = mode;
    this.ring = ring;
    this.brokersByRingIndex = brokersByRingIndex;
  }

  /** A hash-mode snapshot. */
  public static RoutingSnapshot of(long epoch, Collection<BrokerConfig> brokers, int virtualNodes) {
    return of(epoch, RoutingMode.HASH, brokers, virtualNodes);
  }

  public static RoutingSnapshot of(long epoch, RoutingMode mode, Collection<BrokerConfig> brokers, int virtualNodes) {
    List<RingMember> members = new ArrayList<>(brokers.size());
    for (BrokerConfig broker : brokers) {
      members.add(new RingMember(broker.id(), broker.weight()));
    }
    HashRing ring = HashRing.build(members, virtualNodes);
    BrokerConfig[] byIndex = new BrokerConfig[ring.memberCount()];
    for (BrokerConfig broker : brokers) {
      byIndex[ring.indexOf(broker.id())] = broker;
    }
    return new RoutingSnapshot(epoch, mode, ring, byIndex);
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

  public BrokerConfig broker(String id) {
    int index = ring.indexOf(id);
    return index < 0 ? null : brokersByRingIndex[index];
  }
}
