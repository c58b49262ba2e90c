package io.mqttlb.loadtest;

/**
 * How a run learns whether a reconnecting user reached the broker of its previous connection.
 * Each needs something of the system under test; without it, stickiness is "not measured" and
 * never a made-up 100%.
 */
public enum StickinessMethod {
  /** A retained message on the simulation's marker topic names each broker (published with {@code --brokers}). */
  MARKERS("markers"),
  /**
   * CONNACK's session-present flag on reconnects that resume a persistent session: 0 where the
   * session should exist means the user reached another broker. Valid only against brokers that
   * do not share sessions and keep them for the whole run.
   */
  SESSION_PRESENT("session-present"),
  /**
   * The brokers' own connection events, which name the node a client reached: EMQX's
   * {@code $SYS/brokers/<node>/clients/<clientid>/connected}, Aedes's {@code $SYS/<id>/new/clients}.
   */
  CONNECTION_EVENTS("connection-events");

  /** As summary.json, the report and {@code --stickiness} write it. */
  public final String key;

  StickinessMethod(String key) {
    this.key = key;
  }

  /** @throws IllegalArgumentException naming the known methods */
  public static StickinessMethod of(String key) {
    for (StickinessMethod method : values()) {
      if (method.key.equals(key)) {
        return method;
      }
    }
    throw new IllegalArgumentException("unknown stickiness method \"" + key + "\"; expected markers, session-present"
        + " or connection-events");
  }
}
