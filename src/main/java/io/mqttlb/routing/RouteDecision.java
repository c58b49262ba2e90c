package io.mqttlb.routing;

import io.mqttlb.config.BrokerConfig;

/**
 * Where one client goes and why.
 *
 * @param key the routing key and the field it came from
 * @param keyHash {@link RingHash#hashKey} of the key, kept for redispatch along the ring
 * @param broker the chosen broker
 * @param source how the broker was chosen: {@code ring}, or in table mode {@code override} or
 *     {@code sticky}
 * @param epoch the routing snapshot the decision was made on
 */
public record RouteDecision(RoutingKey key, long keyHash, BrokerConfig broker, String source, long epoch) {
  public static final String SOURCE_RING = "ring";
  public static final String SOURCE_OVERRIDE = "override";
  public static final String SOURCE_STICKY = "sticky";
}
