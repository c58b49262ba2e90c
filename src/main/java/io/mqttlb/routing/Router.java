package io.mqttlb.routing;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.RoutingMode;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Picks a broker for a client. In {@code hash} mode the ring decides and no state is
 * read. In {@code table} mode an override wins, else a live sticky entry, else the ring; a table
 * entry naming a broker that is gone, unavailable or already tried is passed over, so the ring
 * decides and the caller's sticky write then moves the entry to the new broker.
 *
 * <p>Unavailable and drained brokers are skipped by walking clockwise; a drained broker stays on
 * the ring, so only its keys move, each to its ring successor. When every broker that is not drained
 * is unavailable, the first one that is not drained is tried anyway, and when every broker is drained
 * the ring owner is: a suspicion may be stale, and trying costs one connect attempt while refusing
 * costs the client its connection. Thread-safe; reads the current snapshot once per
 * decision.
 */
public final class Router {
  private final Supplier<RoutingSnapshot> snapshots;
  private final KeyField keyField;
  private final BrokerAvailability availability;
  private final RoutingTable table;
  /**
   * The ring walk's test for a first choice, made once per snapshot rather than once per decision:
   * a lambda capturing the snapshot is allocated on every decision whenever the JIT does not
   * inline the walk, which it does not reliably do once brokers are down or drained.
   */
  private volatile FirstChoice firstChoice = new FirstChoice(null, BrokerAvailability.ALL);

  public Router(Supplier<RoutingSnapshot> snapshots, KeyField keyField, BrokerAvailability availability) {
    this(snapshots, keyField, availability, RoutingTable.EMPTY);
  }

  public Router(Supplier<RoutingSnapshot> snapshots, KeyField keyField, BrokerAvailability availability,
                RoutingTable table) {
    this.snapshots = snapshots;
    this.keyField = keyField;
    this.availability = availability;
    this.table = table;
  }

  public KeyField keyField() {
    return keyField;
  }

  /** The mode of the current snapshot. */
  public RoutingMode mode() {
    return snapshots.get().mode();
  }

  /** Routes a client without a TLS client certificate by its CONNECT fields; null when there is no broker at all. */
  public RouteDecision route(String clientId, String username, String sourceIp) {
    return route(clientId, username, sourceIp, null);
  }

  /**
   * Routes a client by its CONNECT fields and, with {@code routing.key: certificate-cn}, the subject CN of
   * its verified TLS certificate (null without one); null when there is no broker at all.
   */
  public RouteDecision route(String clientId, String username, String sourceIp, String certificateCn) {
    return route(RoutingKey.choose(keyField, clientId, username, sourceIp, certificateCn));
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

  /**
   * Whether routing now sends {@code key} to another broker than {@code brokerId}: the relayed clients
   * for which this holds are the ones a rebalance disconnects.
   */
  public boolean routesElsewhere(String brokerId, RoutingKey key) {
    return movesTo(brokerId, key) != null;
  }

  /**
   * The broker routing now sends {@code key} to, when that is not {@code brokerId}: where a rebalance
   * sends a client of {@code brokerId} back. Null when the client would stay (or there is no broker).
   */
  public String movesTo(String brokerId, RoutingKey key) {
    RouteDecision now = route(key);
    return now == null || now.broker().id().equals(brokerId) ? null : now.broker().id();
  }

  /**
   * The broker the ring gives a key hash as a first choice, the table aside: drained and unavailable
   * brokers skipped as for a client; null when there is no broker at all.
   */
  public BrokerConfig ringBroker(long keyHash) {
    RoutingSnapshot snapshot = snapshots.get();
    int index = ringIndex(snapshot, keyHash, Set.of());
    return index < 0 ? null : snapshot.broker(index);
  }

  /** The snapshot this router routes by now. */
  public RoutingSnapshot snapshot() {
    return snapshots.get();
  }

  /**
   * A router that routes like this one (key field, availability, table) but always by {@code
   * snapshot}: asked what routing would do after a change, it answers by the rules a real change
   * would then route by.
   */
  public Router pinnedTo(RoutingSnapshot snapshot) {
    return new Router(() -> snapshot, keyField, availability, table);
  }

  private RouteDecision pick(RoutingSnapshot snapshot, RoutingKey key, long hash, Set<String> tried) {
    if (snapshot.mode() == RoutingMode.TABLE) {
      RouteDecision fromTable = fromTable(snapshot, key, hash, table.overrideBroker(key.value()),
          RouteDecision.SOURCE_OVERRIDE, tried);
      if (fromTable == null) {
        fromTable = fromTable(snapshot, key, hash, table.stickyBroker(key.value()), RouteDecision.SOURCE_STICKY, tried);
      }
      if (fromTable != null) {
        return fromTable;
      }
    }
    int index = ringIndex(snapshot, hash, tried);
    if (index < 0) {
      return null;
    }
    return new RouteDecision(key, hash, snapshot.broker(index), RouteDecision.SOURCE_RING, snapshot.epoch());
  }

  /** The ring member for a hash, skipping what is tried, drained or unavailable; -1 for an empty ring. */
  private int ringIndex(RoutingSnapshot snapshot, long hash, Set<String> tried) {
    HashRing ring = snapshot.ring();
    IntPredicate usable = tried.isEmpty() ? firstChoice(snapshot) : i -> {
      if (snapshot.isDrained(i)) {
        return false;
      }
      String id = ring.memberId(i);
      return !tried.contains(id) && availability.isAvailable(id);
    };
    int index = ring.lookup(hash, usable);
    if (index < 0 && !snapshot.drained().isEmpty()) {
      index = ring.lookup(hash, i -> !snapshot.isDrained(i) && !tried.contains(ring.memberId(i)));
    }
    if (index < 0) {
      index = ring.lookup(hash, i -> !tried.contains(ring.memberId(i)));
    }
    return index;
  }

  private FirstChoice firstChoice(RoutingSnapshot snapshot) {
    FirstChoice current = firstChoice;
    if (current.snapshot != snapshot) {
      current = new FirstChoice(snapshot, availability); // a race only builds an equal one twice
      firstChoice = current;
    }
    return current;
  }

  /** Usable for a client that has tried nothing yet: not drained in the snapshot, and available. */
  private record FirstChoice(RoutingSnapshot snapshot, BrokerAvailability availability) implements IntPredicate {
    @Override
    public boolean test(int index) {
      return !snapshot.isDrained(index) && availability.isAvailable(snapshot.ring().memberId(index));
    }
  }

  private RouteDecision fromTable(RoutingSnapshot snapshot, RoutingKey key, long hash, String brokerId,
                                  String source, Set<String> tried) {
    if (brokerId == null || tried.contains(brokerId) || !availability.isAvailable(brokerId)) {
      return null;
    }
    int index = snapshot.ring().indexOf(brokerId);
    return index < 0 || snapshot.isDrained(index) ? null : new RouteDecision(key, hash, snapshot.broker(index), source, snapshot.epoch());
  }
}
