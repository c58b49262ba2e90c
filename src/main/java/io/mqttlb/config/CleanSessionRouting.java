package io.mqttlb.config;

/**
 * Where a client goes whose session ends with its connection (MQTT 3.x clean session, MQTT 5 clean start with no
 * session expiry): {@code ring} routes it like every other client; {@code least-loaded} sends it to the usable
 * broker with the fewest connections across the tier, since it has no session that a later connection would look
 * for. Clients that keep a session are routed by the ring (and the table) either way.
 */
public enum CleanSessionRouting implements Labelled {
  RING("ring"),
  LEAST_LOADED("least-loaded");

  private final String label;

  CleanSessionRouting(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  /** @throws IllegalArgumentException naming the text and the accepted labels */
  public static CleanSessionRouting parse(String text) {
    return Labelled.parse(CleanSessionRouting.class, text, "clean-session routing");
  }

  @Override
  public String toString() {
    return label;
  }
}
