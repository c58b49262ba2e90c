package io.mqttlb.routing;

/**
 * The table that {@code table} mode consults before the ring. Lookups are local and
 * non-blocking; they run on the connect path.
 */
public interface RoutingTable {
  /** The broker an operator pinned this key to, or null. */
  String overrideBroker(String key);

  /** The broker this key was last sent to, while its sticky entry lives, or null. */
  String stickyBroker(String key);

  /** A table with no entries, for hash-only routing. */
  RoutingTable EMPTY = new RoutingTable() {
    @Override
    public String overrideBroker(String key) {
      return null;
    }

    @Override
    public String stickyBroker(String key) {
      return null;
    }
  };
}
