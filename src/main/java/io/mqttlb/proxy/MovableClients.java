package io.mqttlb.proxy;

import io.mqttlb.routing.RouteDecision;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The relayed clients of one node, as move jobs and what-if predictions need them: find those whose
 * route decision a rule accepts, count them, and disconnect each on its own event loop. The rules run
 * on the clients' event loops, so they must be thread-safe; the answers come back on the caller's
 * Vert.x context, as a Vert.x call's would. Connection state never leaves its loop.
 */
public interface MovableClients {
  /**
   * The relaying clients whose route decision (broker, key, whether placed by load) {@code affected}
   * accepts, as each event loop sees them now. The clients of the loops are interleaved, so that a
   * job that works down the list spreads over the loops.
   */
  Future<List<Client>> select(Predicate<RouteDecision> affected);

  /**
   * Asks {@code look} about every relaying client's route decision without touching the clients:
   * how many relay, and the non-null answers, loop after loop.
   */
  <T> Future<Survey<T>> survey(Function<RouteDecision, T> look);

  /** A selected client. */
  interface Client {
    /**
     * Disconnects the client on its event loop: MQTT 5 clients get a DISCONNECT 0x9C at a packet
     * boundary first. Nothing happens if it has gone meanwhile.
     */
    void moveAway(String kind);
  }

  /** What a {@link #survey} found: how many clients relay, and the answers about them. */
  record Survey<T>(int relaying, List<T> found) {}
}
