package io.mqttlb.proxy;

import io.mqttlb.cluster.StickyEvent;
import io.mqttlb.config.RoutingMode;
import java.util.HashSet;
import java.util.Set;

/**
 * The relayed connections of one listener instance, confined to its event loop like the
 * connections themselves. In table mode it refreshes their sticky entries every half TTL (at most
 * every ten minutes), so that a
 * client connected for longer than {@code routing.table.stickyTtl} keeps its entry, as HAProxy keeps
 * a stick-table entry that a live session uses; the TTL proper starts at the disconnect.
 */
final class RelayedClients {
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

  /** Re-records every relayed client's sticky entry, when the tier is in table mode. */
  void refreshSticky(RoutingMode mode) {
    if (mode == RoutingMode.TABLE) {
      connections.forEach(connection -> connection.recordSticky(StickyEvent.STILL_CONNECTED));
    }
  }
}
