package io.mqttlb.proxy;

import io.mqttlb.config.RoutingMode;
import io.mqttlb.routing.RouteDecision;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The relayed connections of one listener on one event loop, confined to that loop like the
 * connections themselves; registered with the node's {@link RelayRegistry} so that move jobs can
 * find them. In table mode it refreshes their sticky entries every half TTL (at most
 * every ten minutes), so that a
 * client connected for longer than {@code routing.table.stickyTtl} keeps its entry, as HAProxy keeps
 * a stick-table entry that a live session uses; the TTL proper starts at the disconnect.
 */
final class RelayedClients {
  private final Set<ClientConnection> connections = new HashSet<>();
  private final EventLoop loop;

  /** @param loop the event loop whose connections these are */
  RelayedClients(EventLoop loop) {
    this.loop = loop;
  }

  EventLoop loop() {
    return loop;
  }

  void add(ClientConnection connection) {
    connections.add(connection);
  }

  void remove(ClientConnection connection) {
    connections.remove(connection);
  }

  int size() {
    return connections.size();
  }

  /** The relaying connections whose route decision matches; on this event loop. */
  List<ClientConnection> select(Predicate<RouteDecision> affected) {
    List<ClientConnection> selected = new ArrayList<>();
    for (ClientConnection connection : connections) {
      if (connection.relaying() && affected.test(connection.routed())) {
        selected.add(connection);
      }
    }
    return selected;
  }

  /** How many connections relay, and {@code look}'s non-null answers for their route decisions; on this event loop. */
  <T> MovableClients.Survey<T> survey(Function<RouteDecision, T> look) {
    int relaying = 0;
    List<T> found = new ArrayList<>();
    for (ClientConnection connection : connections) {
      if (connection.relaying()) {
        relaying++;
        T answer = look.apply(connection.routed());
        if (answer != null) {
          found.add(answer);
        }
      }
    }
    return new MovableClients.Survey<>(relaying, found);
  }

  /** Re-records every relayed client's sticky entry, when the tier is in table mode. */
  void refreshSticky(RoutingMode mode) {
    if (mode == RoutingMode.TABLE) {
      connections.forEach(ClientConnection::refreshSticky);
    }
  }
}
