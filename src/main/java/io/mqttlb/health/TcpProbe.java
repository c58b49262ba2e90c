package io.mqttlb.health;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ProxyProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;

/**
 * Up when a TCP connect to the broker succeeds within the timeout, and for a broker with TLS
 * settings its TLS handshake too ({@link ProbeTls}); the connection is then closed, after the PROXY
 * protocol header when the broker expects one (so that the broker sees a well-formed connection of
 * the node's own, not a protocol error on every check).
 */
final class TcpProbe implements Probe {
  private final Vertx vertx;
  private final NetClient client;
  private final Duration timeout;
  private final ProbeTls tls;

  TcpProbe(Vertx vertx, NetClient client, Duration timeout, ProbeTls tls) {
    this.vertx = vertx;
    this.client = client;
    this.timeout = timeout;
    this.tls = tls;
  }

  @Override
  public Future<Void> check(BrokerConfig broker) {
    Promise<Void> result = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), id -> result.tryFail(
        (broker.tls() == null ? "no TCP connection" : "no TCP connection and TLS handshake") + " within "
            + timeout.toMillis() + " ms"));
    client.connect(broker.port(), broker.host()).onComplete(ar -> {
      if (ar.failed()) {
        vertx.cancelTimer(timer);
        result.tryFail("connect: " + ar.cause().getMessage());
        return;
      }
      NetSocket socket = ar.result();
      socket.exceptionHandler(e -> { }); // a reset while closing says nothing about health; TLS reports its own failure
      ProxyProtocol proxyHeader = broker.sendProxyProtocol();
      Future<Void> written = proxyHeader == ProxyProtocol.NONE ? Future.succeededFuture()
          : socket.write(Buffer.buffer(ProbeProxyHeader.of(proxyHeader)));
      if (broker.tls() == null) {
        vertx.cancelTimer(timer);
        written.onComplete(w -> socket.close());
        result.tryComplete();
        return;
      }
      tls.secure(socket, broker).onComplete(secured -> {
        vertx.cancelTimer(timer);
        socket.close();
        if (secured.succeeded()) {
          result.tryComplete();
        } else {
          result.tryFail(secured.cause().getMessage());
        }
      });
    });
    return result.future();
  }
}
