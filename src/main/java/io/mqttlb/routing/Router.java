package io.mqttlb.routing;

import io.mqttlb.config.KeyField;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Hash-mode routing (DESIGN §2.3): the ring decides, no state is read or written.
 *
 * <p>Brokers that are not available are skipped by walking clockwise. When every broker is
 * unavailable the ring owner is tried anyway: a suspicion may be stale, and trying costs one
 * connect attempt while refusing costs the client its connection. Thread-safe; reads the current
 * snapshot once per decision.
 */
public final class Router {
  private final Supplier<RoutingSnapshot> snapshots;
  private final KeyField keyField;
  private final BrokerAvailability availability;

  public Router(Supplier<RoutingSnapshot> snapshots, KeyField keyField, BrokerAvailability availability) {
    this.snapshots = snapshots;
    this.keyField = keyField;
    this.availability = availability;
  }

  public KeyField keyField() {
    return keyField;
  }

  /** Routes a client by its CONNECT fields; returns null when there is no broker at all. */
  public RouteDecision route(String clientId, String username, String sourceIp) {
    return route(RoutingKey.choose(keyField, clientId, username, sourceIp));
  }

  public RouteDecision route(RoutingKey key) {
    return pick(snapshots.get(), key, RingHash.hashKey(key.value()), Set.of());
  }

  /**
   * The next broker clockwise for a client whose earlier choices failed (redispatch); null when
   * every broker was tried.
   */
  public RouteDecision next(RouteDecision previous, Set<String> tried) {
    return pick(snapshots.get(), previous.key(), previous.keyHash(), tried);
  }

  private RouteDecision pick(RoutingSnapshot snapshot, RoutingKey key, long hash, Set<String> tried) {
    HashRing ring = snapshot.ring();
    int index = ring.lookup(hash, i -> {
      String id = ring.memberId(i);
      return !tried.contains(id) && availability.isAvailable(id);
    });
    if (index < 0) {
      index = ring.lookup(hash, i -> !tried.contains(ring.memberId(i)));
    }
    if (index < 0) {
      return null;
    }
    return new RouteDecision(key, hash, snapshot.broker(index), RouteDecision.SOURCE_RING, snapshot.epoch());
  }
}
