package io.mqttlb.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;

/**
 * Follows Netty's {@code HAProxyMessageDecoder} on a listener with {@code acceptProxyProtocol}: takes
 * the decoded PROXY header (v1 or v2), tells the {@link ClientConnection} the addresses it carries,
 * and removes itself (the decoder has removed itself too, passing on the bytes after the header).
 * A missing or malformed header reaches {@link #exceptionCaught} as the decoder's exception.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {
  private final ClientConnection connection;

  ProxyHeaderReader(ClientConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HAProxyMessage header) {
      try {
        connection.proxied(header);
      } finally {
        header.release();
      }
      ctx.pipeline().remove(this);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connection.failed(ctx.channel(), cause);
  }
}
