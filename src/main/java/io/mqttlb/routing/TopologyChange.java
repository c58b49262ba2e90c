package io.mqttlb.routing;

import io.mqttlb.config.BrokerConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A change to the broker set that is asked about, not made: brokers removed, added with a weight,
 * re-weighted, drained, in any combination. {@link #applyTo} builds the routing snapshot the tier
 * would route by once the change is made, through {@link RoutingSnapshot#of} as a real change does,
 * so that a prediction on it follows the same ring rules. Immutable; the collections are sorted, so
 * that the change reads the same however it was written.
 *
 * @param remove ids of brokers to remove
 * @param add new brokers' ids and weights
 * @param weights new weights of brokers, present or added
 * @param drain ids of brokers to drain
 */
public record TopologyChange(SortedSet<String> remove, SortedMap<String, Integer> add,
                             SortedMap<String, Integer> weights, SortedSet<String> drain) {

  /**
   * The address a broker that is only asked about gets: the ring needs ids and weights only, and a
   * hypothetical snapshot is never dialled. The {@code .invalid} name cannot resolve, should it ever be.
   */
  static final String HYPOTHETICAL_HOST = "not-added-yet.invalid";

  public TopologyChange {
    remove = Collections.unmodifiableSortedSet(new TreeSet<>(remove));
    add = Collections.unmodifiableSortedMap(new TreeMap<>(add));
    weights = Collections.unmodifiableSortedMap(new TreeMap<>(weights));
    drain = Collections.unmodifiableSortedSet(new TreeSet<>(drain));
  }

  public TopologyChange(Set<String> remove, Map<String, Integer> add, Map<String, Integer> weights, Set<String> drain) {
    this(new TreeSet<>(remove), new TreeMap<>(add), new TreeMap<>(weights), new TreeSet<>(drain));
  }

  public boolean isEmpty() {
    return remove.isEmpty() && add.isEmpty() && weights.isEmpty() && drain.isEmpty();
  }

  /**
   * The snapshot routing would use after this change: {@code current}'s mode, virtual nodes and
   * drained brokers, with the change applied.
   *
   * @throws UnknownBroker when it removes, drains or re-weights a broker {@code current} does not have
   * @throws IllegalArgumentException when it adds a broker that exists, names a broker in two
   *     conflicting ways, leaves no broker, or gives a weight or id a broker cannot have
   */
  public RoutingSnapshot applyTo(RoutingSnapshot current) {
    Map<String, BrokerConfig> brokers = new TreeMap<>();
    for (BrokerConfig broker : current.brokers()) {
      brokers.put(broker.id(), broker);
    }
    for (String id : remove) {
      requirePresent(brokers, id);
    }
    for (String id : drain) {
      requirePresent(brokers, id);
      if (remove.contains(id)) {
        throw new IllegalArgumentException("broker " + id + " cannot be both removed and drained");
      }
    }
    for (String id : add.keySet()) {
      if (brokers.containsKey(id)) {
        throw new IllegalArgumentException("broker " + id + " exists already; to change its weight give weight="
            + id + ":W");
      }
    }
    for (String id : weights.keySet()) {
      if (add.containsKey(id)) {
        throw new IllegalArgumentException("broker " + id + " is added and re-weighted: give its weight once, add="
            + id + ":W");
      }
      requirePresent(brokers, id);
      if (remove.contains(id)) {
        throw new IllegalArgumentException("broker " + id + " cannot be both removed and re-weighted");
      }
    }
    remove.forEach(brokers::remove);
    for (Map.Entry<String, Integer> added : add.entrySet()) {
      brokers.put(added.getKey(), new BrokerConfig(added.getKey(), HYPOTHETICAL_HOST, 1, added.getValue()));
    }
    for (Map.Entry<String, Integer> weight : weights.entrySet()) {
      BrokerConfig broker = brokers.get(weight.getKey());
      brokers.put(broker.id(), new BrokerConfig(broker.id(), broker.host(), broker.port(), weight.getValue(),
          broker.sendProxyProtocol(), broker.tls()));
    }
    if (brokers.isEmpty()) {
      throw new IllegalArgumentException("the change leaves no broker: removing " + String.join(", ", remove)
          + " removes every broker");
    }
    Set<String> drained = new TreeSet<>(current.drained());
    drained.addAll(drain);
    drained.removeAll(remove);
    return RoutingSnapshot.of(current.epoch(), current.mode(), brokers.values(), current.ring().virtualNodes(), drained);
  }

  private static void requirePresent(Map<String, BrokerConfig> brokers, String id) {
    if (!brokers.containsKey(id)) {
      throw new UnknownBroker(id);
    }
  }

  /** The change in words, e.g. "remove b2, add b4 (weight 1), weight b1:2, drain b3". */
  public String describe() {
    List<String> parts = new ArrayList<>();
    remove.forEach(id -> parts.add("remove " + id));
    add.forEach((id, weight) -> parts.add("add " + id + " (weight " + weight + ")"));
    weights.forEach((id, weight) -> parts.add("weight " + id + ":" + weight));
    drain.forEach(id -> parts.add("drain " + id));
    return parts.isEmpty() ? "no change" : String.join(", ", parts);
  }

  /** A change names a broker the tier does not have. */
  public static final class UnknownBroker extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownBroker(String id) {
      super("no broker " + id);
    }
  }
}
