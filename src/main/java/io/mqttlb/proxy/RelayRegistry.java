package io.mqttlb.proxy;

import io.mqttlb.routing.RouteDecision;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every relayed client of a node, across its event loops: each listener registers one
 * {@link RelayedClients} per event loop. A selection runs on each event loop for that loop's connections, and a
 * selected client is disconnected on its own event loop, so connection state stays confined.
 * Thread-safe.
 */
public final class RelayRegistry {
  private final List<RelayedClients> loops = new CopyOnWriteArrayList<>();

  void register(RelayedClients clients) {
    loops.add(clients);
  }

  void unregister(RelayedClients clients) {
    loops.remove(clients);
  }

  /**
   * The relayed clients whose route decision (broker, key, whether placed by load) {@code affected} accepts, as each event loop
   * sees them now; the predicate runs on those loops, so it must be thread-safe. The clients of the
   * loops are interleaved, so that a job that works down the list spreads over the loops.
   */
  public Future<List<MovableClient>> select(Predicate<RouteDecision> affected) {
    List<Future<List<MovableClient>>> perLoop = new ArrayList<>();
    Context caller = Vertx.currentContext(); // answers go back to the caller's context, as a Vert.x call would
    for (RelayedClients loop : loops) {
      Promise<List<MovableClient>> promise = Promise.promise();
      loop.loop().execute(() -> {
        List<MovableClient> found = new ArrayList<>();
        for (ClientConnection connection : loop.select(affected)) {
          found.add(new MovableClient(loop.loop(), connection));
        }
        if (caller == null) {
          promise.complete(found);
        } else {
          caller.runOnContext(v -> promise.complete(found));
        }
      });
      perLoop.add(promise.future());
    }
    return Future.all(perLoop).map(all -> {
      List<List<MovableClient>> lists = new ArrayList<>();
      int total = 0;
      for (int i = 0; i < all.size(); i++) {
        List<MovableClient> list = all.resultAt(i);
        lists.add(list);
        total += list.size();
      }
      List<MovableClient> interleaved = new ArrayList<>(total);
      for (int round = 0; interleaved.size() < total; round++) {
        for (List<MovableClient> list : lists) {
          if (round < list.size()) {
            interleaved.add(list.get(round));
          }
        }
      }
      return interleaved;
    });
  }

  /**
   * Asks {@code look} about every relaying client's route decision, on the client's event loop
   * (so it must be thread-safe), without touching the clients: how many relay, and the non-null
   * answers, loop after loop.
   */
  public <T> Future<Survey<T>> survey(Function<RouteDecision, T> look) {
    List<Future<Survey<T>>> perLoop = new ArrayList<>();
    Context caller = Vertx.currentContext();
    for (RelayedClients loop : loops) {
      Promise<Survey<T>> promise = Promise.promise();
      loop.loop().execute(() -> {
        Survey<T> found = loop.survey(look);
        if (caller == null) {
          promise.complete(found);
        } else {
          caller.runOnContext(v -> promise.complete(found));
        }
      });
      perLoop.add(promise.future());
    }
    return Future.all(perLoop).map(all -> {
      int relaying = 0;
      List<T> found = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        Survey<T> part = all.resultAt(i);
        relaying += part.relaying();
        found.addAll(part.found());
      }
      return new Survey<>(relaying, found);
    });
  }

  /** What a {@link #survey} found: how many clients relay, and the answers about them. */
  public record Survey<T>(int relaying, List<T> found) {}

  /** A selected client; {@link #moveAway} hands it to its own event loop. */
  public static final class MovableClient {
    private final EventLoop loop;
    private final ClientConnection connection;

    MovableClient(EventLoop loop, ClientConnection connection) {
      this.loop = loop;
      this.connection = connection;
    }

    /**
     * Disconnects the client on its event loop: MQTT 5 clients get a DISCONNECT 0x9C at a packet
     * boundary first. Nothing happens if it has gone meanwhile.
     */
    public void moveAway(String kind) {
      loop.execute(() -> connection.moveAway(kind));
    }
  }
}
