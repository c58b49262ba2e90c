package io.mqttlb.health;

import io.mqttlb.config.ProxyProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;

/**
 * Up when a TCP connect to the broker succeeds within the timeout; the connection is closed at once,
 * after the PROXY protocol header when the broker expects one (so that the broker sees a well-formed
 * connection of the node's own, not a protocol error on every check).
 */
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
  public Future<Void> check(String host, int port, ProxyProtocol proxyHeader) {
    Promise<Void> result = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), id -> result.tryFail("no TCP connection within " + timeout.toMillis() + " ms"));
    client.connect(port, host).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        NetSocket socket = ar.result();
        socket.exceptionHandler(e -> { }); // a reset while closing says nothing about health
        if (proxyHeader == ProxyProtocol.NONE) {
          socket.close();
        } else {
          socket.write(Buffer.buffer(ProbeProxyHeader.of(proxyHeader))).onComplete(written -> socket.close());
        }
        result.tryComplete();
      } else {
        result.tryFail("connect: " + ar.cause().getMessage());
      }
    });
    return result.future();
  }
}
