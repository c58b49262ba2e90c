package io.mqttlb.routing;

import io.mqttlb.config.BrokerConfig;

/**
 * Where one client goes and why.
 *
 * @param key the routing key and the field it came from
 * @param keyHash {@link RingHash#hashKey} of the key, kept for redispatch along the ring
 * @param broker the chosen broker
 * @param source how the broker was chosen: {@code ring}, {@code least-loaded} (a client that keeps no session, on a
 *     node with {@code routing.cleanSessions: least-loaded}), or in table mode {@code override} or {@code sticky}
 * @param epoch the routing snapshot the decision was made on
 * @param byLoad whether the client is placed by load rather than by its key: it keeps no session and the node
 *     routes such clients least-loaded. An override may still have decided ({@code source} says); redispatch
 *     picks the next broker by load, and no sticky entry is written for it
 */
public record RouteDecision(RoutingKey key, long keyHash, BrokerConfig broker, String source, long epoch,
                            boolean byLoad) {
  public static final String SOURCE_RING = "ring";
  public static final String SOURCE_OVERRIDE = "override";
  public static final String SOURCE_STICKY = "sticky";
  public static final String SOURCE_LEAST_LOADED = "least-loaded";

  /** A decision for a client placed by its key. */
  public RouteDecision(RoutingKey key, long keyHash, BrokerConfig broker, String source, long epoch) {
    this(key, keyHash, broker, source, epoch, false);
  }
}
