package io.mqttlb.routing;

/**
 * How many client connections each broker has across the tier, as this node knows it now: what
 * least-loaded routing compares. Read on the connect path: lock-free, no network round trip.
 */
@FunctionalInterface
public interface BrokerLoads {
  /** No counts at all: every broker reads 0, so least-loaded routing falls to the ties' rule, the ring. */
  BrokerLoads NONE = brokerId -> 0;

  /** Connections to the broker tier-wide (0 for a broker nobody counted). */
  long connections(String brokerId);
}
