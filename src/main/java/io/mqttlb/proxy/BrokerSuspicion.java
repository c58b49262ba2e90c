package io.mqttlb.proxy;

import io.mqttlb.routing.BrokerAvailability;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brokers this node recently failed to reach. A broker that refused or timed out a TCP connect is
 * suspect for a hold time: new clients skip it (walking on clockwise) instead of each paying a
 * failed connect. A successful connect clears the suspicion early. Shared by every listener of a
 * node; thread-safe.
 */
public final class BrokerSuspicion implements BrokerAvailability {
  private final Map<String, Long> suspectUntilNanos = new ConcurrentHashMap<>();
  private final long holdNanos;

  public BrokerSuspicion(Duration hold) {
    this.holdNanos = hold.toNanos();
  }

  public void suspect(String brokerId) {
    suspectUntilNanos.put(brokerId, System.nanoTime() + holdNanos);
  }

  public void clear(String brokerId) {
    suspectUntilNanos.remove(brokerId);
  }

  public boolean isSuspect(String brokerId) {
    Long until = suspectUntilNanos.get(brokerId);
    return until != null && System.nanoTime() - until < 0;
  }

  @Override
  public boolean isAvailable(String brokerId) {
    return !isSuspect(brokerId);
  }
}
