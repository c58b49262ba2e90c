package io.mqttlb.proxy;

import io.mqttlb.config.RoutingMode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The relayed connections of one listener instance, confined to its event loop like the
 * connections themselves. In table mode it refreshes their sticky entries every half TTL, so that a
 * client connected for longer than {@code routing.table.stickyTtl} keeps its entry, as HAProxy keeps
 * a stick-table entry that a live session uses; the TTL proper starts at the disconnect.
 */
final class RelayedClients {
  /** Refresh at most this often, whatever the TTL, and at least this often. */
  static final Duration MIN_REFRESH = Duration.ofSeconds(1);
  static final Duration MAX_REFRESH = Duration.ofMinutes(10);

  private final Set<ClientConnection> connections = new HashSet<>();

  void add(ClientConnection connection) {
    connections.add(connection);
  }

  void remove(ClientConnection connection) {
    connections.remove(connection);
  }

  int size() {
    return connections.size();
  }

  /** How often to refresh for a sticky TTL: half of it, within the bounds above. */
  static Duration refreshInterval(Duration stickyTtl) {
    Duration half = stickyTtl.dividedBy(2);
    return half.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : half.compareTo(MAX_REFRESH) > 0 ? MAX_REFRESH : half;
  }

  /** Re-records every relayed client's sticky entry, when the tier is in table mode. */
  void refreshSticky(RoutingMode mode) {
    if (mode == RoutingMode.TABLE) {
      connections.forEach(ClientConnection::recordSticky);
    }
  }
}
