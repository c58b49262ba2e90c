package io.mqttlb.health;

/** Asks for a health check of one broker now, ahead of its schedule. Callable from any thread. */
@FunctionalInterface
public interface ProbeTrigger {
  ProbeTrigger NONE = brokerId -> { };

  /** Called after a relay connect to the broker failed, so that a dead broker is confirmed sooner. */
  void probeNow(String brokerId);
}
