package io.mqttlb.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.time.Duration;

/** Up when a TCP connect to the broker succeeds within the timeout; the connection is closed at once. */
final class TcpProbe implements Probe {
  private final Vertx vertx;
  private final NetClient client;
  private final Duration timeout;

  TcpProbe(Vertx vertx, NetClient client, Duration timeout) {
    this.vertx = vertx;
    this.client = client;
    this.timeout = timeout;
  }

  @Override
  public Future<Void> check(String host, int port) {
    Promise<Void> result = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), id -> result.tryFail("no TCP connection within " + timeout.toMillis() + " ms"));
    client.connect(port, host).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        ar.result().close();
        result.tryComplete();
      } else {
        result.tryFail("connect: " + ar.cause().getMessage());
      }
    });
    return result.future();
  }
}
