package io.mqttlb.proxy;

/**
 * Asks for a health check of one broker now, ahead of its schedule. The data plane owns this
 * interface and the node hands it the health checks' method, so neither package names the other.
 * Callable from any thread.
 */
@FunctionalInterface
public interface ProbeTrigger {
  ProbeTrigger NONE = brokerId -> { };

  /** Called after a relay connect to the broker failed, so that a dead broker is confirmed sooner. */
  void probeNow(String brokerId);
}
