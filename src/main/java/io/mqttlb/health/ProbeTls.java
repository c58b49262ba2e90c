package io.mqttlb.health;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.tls.BrokerTlsContexts;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.time.Duration;

/**
 * TLS on a health check's connection to a broker with TLS settings. It uses the node's own TLS
 * context of that broker, the one relayed connections use, and puts the same handler at the head
 * of the socket's channel: a certificate that relayed connections refuse makes the broker down, and
 * the reason is in the log line of the check and in {@code mqttlb_broker_tls_failures{by="probe"}}.
 * Vert.x's own {@code upgradeToSsl} would check the certificate against the address the socket
 * connected to, not against the broker's {@code tls.serverName}. Thread-safe.
 */
final class ProbeTls {
  /** The handler's name that Vert.x looks for to say a socket is secured. */
  private static final String HANDLER_NAME = "ssl";

  private final Vertx vertx;
  private final BrokerTlsContexts contexts;
  private final Metrics metrics;
  private final long handshakeTimeoutMillis;

  ProbeTls(Vertx vertx, BrokerTlsContexts contexts, Metrics metrics, Duration timeout) {
    this.vertx = vertx;
    this.contexts = contexts;
    this.metrics = metrics;
    this.handshakeTimeoutMillis = timeout.toMillis();
  }

  /**
   * Starts TLS on {@code socket}, behind what was written on it so far (a PROXY header goes out in
   * the clear), and completes on the caller's context when the handshake is done. It fails with
   * "TLS handshake: why" (an untrusted certificate, a wrong name, a broker that does not speak
   * TLS, a timeout) or "TLS context: why" (the CA file cannot be read on this node).
   */
  Future<Void> secure(NetSocket socket, BrokerConfig broker) {
    Context caller = vertx.getOrCreateContext();
    Promise<Void> secured = Promise.promise();
    Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
    contexts.context(broker).whenComplete((built, failure) -> channel.eventLoop().execute(() -> {
      if (failure != null) {
        caller.runOnContext(v -> secured.fail("TLS context: " + BrokerTlsContexts.describe(failure)));
        return;
      }
      if (!channel.isActive()) {
        caller.runOnContext(v -> secured.fail("connection closed before the TLS handshake"));
        return;
      }
      SslHandler tls = BrokerTlsContexts.newHandler(built, channel.alloc(), broker, handshakeTimeoutMillis);
      channel.pipeline().addFirst(HANDLER_NAME, tls);
      tls.handshakeFuture().addListener(done -> caller.runOnContext(v -> {
        if (done.isSuccess()) {
          secured.complete();
          return;
        }
        if (metrics != null) {
          metrics.broker(broker.id()).tlsFailed(Metrics.TLS_BY_PROBE);
        }
        secured.fail("TLS handshake with " + broker.tlsServerName() + ": " + BrokerTlsContexts.describe(done.cause()));
      }));
    }));
    return secured.future();
  }
}
