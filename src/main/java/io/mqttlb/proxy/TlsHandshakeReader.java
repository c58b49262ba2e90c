package io.mqttlb.proxy;

import io.mqttlb.metrics.Metrics.TlsMeters;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLSession;

/**
 * Follows the TLS stage of a client pipeline until the handshake ends: on success it counts the
 * handshake by protocol, hands the session to the {@link ClientConnection} and removes itself; on
 * failure it tells the connection, which counts the reason and closes (the TLS stage has sent its
 * alert). Decrypted bytes pass through to the next stage untouched.
 */
final class TlsHandshakeReader extends ChannelInboundHandlerAdapter {
  private final ClientConnection connection;
  private final TlsMeters meters;

  TlsHandshakeReader(ClientConnection connection, TlsMeters meters) {
    this.connection = connection;
    this.meters = meters;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (!(event instanceof SslHandshakeCompletionEvent done)) {
      ctx.fireUserEventTriggered(event);
      return;
    }
    if (done.isSuccess()) {
      // With SNI the SslHandler took the SniHandler's place under another name: find it by type.
      SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
      meters.handshake(session.getProtocol());
      connection.tlsEstablished(session);
      ctx.pipeline().remove(this);
    } else {
      connection.tlsFailed(done.cause());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connection.failed(ctx.channel(), cause);
  }
}
