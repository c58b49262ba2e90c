package io.mqttlb.routing;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.CleanSessionRouting;
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
 * costs the client its connection.
 *
 * <p>With {@code routing.cleanSessions: least-loaded}, a client that keeps no session (see
 * {@code ConnectInfo.keepsNoSession}) goes to the usable broker (available, not drained, not yet tried) with the
 * fewest connections per unit of weight across the tier, as {@link BrokerLoads} counts them; among equals, the
 * first one met walking clockwise from the client's key, so that equal brokers share such clients and the choice
 * is the same on every node that sees the same counts. An override still wins for it (an operator's pin is a pin);
 * a sticky entry does not (it records where a session was). With no usable broker the ring decides, as above. For
 * example, with counts b1 80, b2 10, b3 10 (all weight 1) a clean client goes to b2 or b3, whichever comes first
 * clockwise from its key; with b3 at weight 2 and 15 connections it reads 7.5 and gets the client.
 *
 * <p>Thread-safe; reads the current snapshot once per decision.
 */
public final class Router {
  private final Supplier<RoutingSnapshot> snapshots;
  private final KeyField keyField;
  private final BrokerAvailability availability;
  private final RoutingTable table;
  private final CleanSessionRouting cleanSessions;
  private final BrokerLoads loads;
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
    this(snapshots, keyField, availability, table, CleanSessionRouting.RING, BrokerLoads.NONE);
  }

  /**
   * @param cleanSessions how clients that keep no session are routed
   * @param loads the tier's connections per broker, read by least-loaded decisions
   */
  public Router(Supplier<RoutingSnapshot> snapshots, KeyField keyField, BrokerAvailability availability,
                RoutingTable table, CleanSessionRouting cleanSessions, BrokerLoads loads) {
    this.snapshots = snapshots;
    this.keyField = keyField;
    this.availability = availability;
    this.table = table;
    this.cleanSessions = cleanSessions;
    this.loads = loads;
  }

  public KeyField keyField() {
    return keyField;
  }

  /** How this node routes clients that keep no session. */
  public CleanSessionRouting cleanSessions() {
    return cleanSessions;
  }

  /** The tier's connections per broker, as least-loaded decisions read them. */
  public BrokerLoads loads() {
    return loads;
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
    return route(clientId, username, sourceIp, certificateCn, false);
  }

  /**
   * As {@link #route(String, String, String, String)}, for a client that keeps no session when
   * {@code keepsNoSession} (its session ends with the connection): least-loaded routing applies to it.
   */
  public RouteDecision route(String clientId, String username, String sourceIp, String certificateCn,
                             boolean keepsNoSession) {
    return route(RoutingKey.choose(keyField, clientId, username, sourceIp, certificateCn), keepsNoSession);
  }

  /** Routes a client that keeps a session by its key. */
  public RouteDecision route(RoutingKey key) {
    return route(key, false);
  }

  public RouteDecision route(RoutingKey key, boolean keepsNoSession) {
    boolean byLoad = keepsNoSession && cleanSessions == CleanSessionRouting.LEAST_LOADED;
    return pick(snapshots.get(), key, RingHash.hashKey(key.value()), Set.of(), byLoad);
  }

  /**
   * The next broker clockwise for a client whose earlier choices failed (redispatch); null when
   * every broker was tried.
   */
  public RouteDecision next(RouteDecision previous, Set<String> tried) {
    return pick(snapshots.get(), previous.key(), previous.keyHash(), tried, previous.byLoad());
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
   * Whether routing now sends the client of {@code routed} to another broker: the relayed clients for which this
   * holds are the ones a rebalance disconnects. See {@link #movesTo(RouteDecision)}.
   */
  public boolean routesElsewhere(RouteDecision routed) {
    return movesTo(routed) != null;
  }

  /**
   * Where a rebalance would send the client of {@code routed}, or null when it stays. A client placed by its key
   * moves when its key routes elsewhere now ({@link #movesTo(String, RoutingKey)}). A client placed by load has no
   * broker its key belongs to: it stays, unless its broker has left the broker set; then it goes where load
   * routing places it now.
   */
  public String movesTo(RouteDecision routed) {
    String brokerId = routed.broker().id();
    if (!routed.byLoad()) {
      return movesTo(brokerId, routed.key());
    }
    RoutingSnapshot snapshot = snapshots.get();
    if (snapshot.broker(brokerId) != null) {
      return null;
    }
    RouteDecision now = pick(snapshot, routed.key(), routed.keyHash(), Set.of(), true);
    return now == null ? null : now.broker().id();
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
    return new Router(() -> snapshot, keyField, availability, table, cleanSessions, loads);
  }

  private RouteDecision pick(RoutingSnapshot snapshot, RoutingKey key, long hash, Set<String> tried, boolean byLoad) {
    if (snapshot.mode() == RoutingMode.TABLE) {
      RouteDecision fromTable = fromTable(snapshot, key, hash, table.overrideBroker(key.value()),
          RouteDecision.SOURCE_OVERRIDE, tried, byLoad);
      if (fromTable == null && !byLoad) {
        fromTable = fromTable(snapshot, key, hash, table.stickyBroker(key.value()), RouteDecision.SOURCE_STICKY, tried,
            false);
      }
      if (fromTable != null) {
        return fromTable;
      }
    }
    if (byLoad) {
      RouteDecision leastLoaded = leastLoaded(snapshot, key, hash, tried);
      if (leastLoaded != null) {
        return leastLoaded;
      }
    }
    int index = ringIndex(snapshot, hash, tried);
    if (index < 0) {
      return null;
    }
    return new RouteDecision(key, hash, snapshot.broker(index), RouteDecision.SOURCE_RING, snapshot.epoch(), byLoad);
  }

  /**
   * The usable broker with the fewest connections per unit of weight, ties broken clockwise from the key; null when
   * no broker is usable. The counts are read once, into an array, so that both passes judge the same numbers while
   * other event loops go on changing them. Compares {@code count / weight} exactly, by cross-multiplying. Unlike a
   * ring lookup it costs a pass over the brokers and allocates that array and the tie test: a price paid only by
   * clients placed by load.
   */
  private RouteDecision leastLoaded(RoutingSnapshot snapshot, RoutingKey key, long hash, Set<String> tried) {
    HashRing ring = snapshot.ring();
    int members = ring.memberCount();
    long[] counts = new long[members];
    long fewest = -1;
    int fewestWeight = 1;
    for (int i = 0; i < members; i++) {
      String id = ring.memberId(i);
      if (snapshot.isDrained(i) || tried.contains(id) || !availability.isAvailable(id)) {
        counts[i] = -1;
        continue;
      }
      long count = Math.max(0, loads.connections(id));
      counts[i] = count;
      int weight = ring.weight(i);
      if (fewest < 0 || count * fewestWeight < fewest * weight) {
        fewest = count;
        fewestWeight = weight;
      }
    }
    if (fewest < 0) {
      return null;
    }
    long tiedCount = fewest;
    int tiedWeight = fewestWeight;
    int index = ring.lookup(hash, i -> counts[i] >= 0 && counts[i] * tiedWeight == tiedCount * ring.weight(i));
    return new RouteDecision(key, hash, snapshot.broker(index), RouteDecision.SOURCE_LEAST_LOADED, snapshot.epoch(),
        true);
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
                                  String source, Set<String> tried, boolean byLoad) {
    if (brokerId == null || tried.contains(brokerId) || !availability.isAvailable(brokerId)) {
      return null;
    }
    int index = snapshot.ring().indexOf(brokerId);
    return index < 0 || snapshot.isDrained(index) ? null
        : new RouteDecision(key, hash, snapshot.broker(index), source, snapshot.epoch(), byLoad);
  }
}
