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
final class RelayRegistry implements MovableClients {
  private final List<RelayedClients> loops = new CopyOnWriteArrayList<>();

  void register(RelayedClients clients) {
    loops.add(clients);
  }

  void unregister(RelayedClients clients) {
    loops.remove(clients);
  }

  @Override
  public Future<List<Client>> select(Predicate<RouteDecision> affected) {
    List<Future<List<Client>>> perLoop = new ArrayList<>();
    Context caller = Vertx.currentContext(); // answers go back to the caller's context, as a Vert.x call would
    for (RelayedClients loop : loops) {
      Promise<List<Client>> promise = Promise.promise();
      loop.loop().execute(() -> {
        List<Client> found = new ArrayList<>();
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
      List<List<Client>> lists = new ArrayList<>();
      int total = 0;
      for (int i = 0; i < all.size(); i++) {
        List<Client> list = all.resultAt(i);
        lists.add(list);
        total += list.size();
      }
      List<Client> interleaved = new ArrayList<>(total);
      for (int round = 0; interleaved.size() < total; round++) {
        for (List<Client> list : lists) {
          if (round < list.size()) {
            interleaved.add(list.get(round));
          }
        }
      }
      return interleaved;
    });
  }

  @Override
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

  /** A selected client; {@link #moveAway} hands it to its own event loop. */
  private static final class MovableClient implements Client {
    private final EventLoop loop;
    private final ClientConnection connection;

    MovableClient(EventLoop loop, ClientConnection connection) {
      this.loop = loop;
      this.connection = connection;
    }

    @Override
    public void moveAway(String kind) {
      loop.execute(() -> connection.moveAway(kind));
    }
  }
}
