package io.mqttlb.proxy;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.tls.BrokerTlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;

/**
 * TLS on a broker connection that has just connected, for a broker with TLS settings: puts a
 * client {@link SslHandler} at the head of the broker channel's pipeline, so that whatever was
 * written before (a PROXY header) leaves in the clear ahead of the handshake, as HAProxy's
 * {@code send-proxy ssl} does, and everything written after is encrypted. The relay starts once
 * the returned future succeeds; it fails when the context cannot be built, the handshake fails or
 * times out, or the broker closes. Its listeners run on the channel's event loop.
 */
final class BrokerTlsStage {
  static final String HANDLER_NAME = "tls";
  private static final String ERRORS_NAME = "tls-handshake-errors";

  private BrokerTlsStage() {}

  static Future<Channel> secure(Channel channel, BrokerConfig broker, BrokerTlsContexts contexts,
                                long handshakeTimeoutMillis) {
    Promise<Channel> secured = channel.eventLoop().newPromise();
    CompletableFuture<SslContext> context = contexts.context(broker);
    if (context.isDone()) {
      handshake(channel, broker, context, handshakeTimeoutMillis, secured); // the usual case: built at first use
    } else {
      context.whenComplete((built, failure) ->
          channel.eventLoop().execute(() -> handshake(channel, broker, context, handshakeTimeoutMillis, secured)));
    }
    return secured;
  }

  private static void handshake(Channel channel, BrokerConfig broker, CompletableFuture<SslContext> context,
                                long handshakeTimeoutMillis, Promise<Channel> secured) {
    SslContext built;
    try {
      built = context.join();
    } catch (RuntimeException e) {
      channel.close();
      secured.setFailure(e);
      return;
    }
    if (!channel.isActive()) {
      secured.setFailure(new ClosedChannelException());
      return;
    }
    SslHandler tls = BrokerTlsContexts.newHandler(built, channel.alloc(), broker, handshakeTimeoutMillis);
    channel.pipeline().addFirst(HANDLER_NAME, tls).addLast(ERRORS_NAME, HandshakeErrors.INSTANCE);
    channel.read(); // reading stays off until the relay starts, but the handshake needs the broker's answers
    tls.handshakeFuture().addListener(done -> {
      if (done.isSuccess()) {
        channel.pipeline().remove(ERRORS_NAME);
        secured.setSuccess(channel);
      } else {
        // The sink stays: the failure's exception travels the pipeline after this future has failed.
        channel.close();
        secured.setFailure(done.cause());
      }
    });
  }

  /**
   * The end of a broker pipeline during the handshake. A failed handshake also travels the pipeline
   * as an exception; its future reports it already, so it stops here rather than at the pipeline's
   * tail, which would log every untrusted broker certificate as an unhandled exception.
   */
  @ChannelHandler.Sharable
  private static final class HandshakeErrors extends ChannelInboundHandlerAdapter {
    static final HandshakeErrors INSTANCE = new HandshakeErrors();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // reported through the handshake future
    }
  }
}
