package io.mqttlb.proxy;

import io.mqttlb.metrics.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The WebSocket stage after the upgrade: turns the client's frames into the byte stream the
 * CONNECT reader and the relay read, and every buffer written towards the client (relayed bytes, a
 * CONNACK refusal, an MQTT 5 server DISCONNECT) into a binary frame. MQTT carries no meaning in
 * frame boundaries (MQTT 3.1.1 §6, MQTT 5 §6): a packet may span frames and a frame may hold
 * several packets, so binary and continuation frames just hand on their payload.
 *
 * <p>The rest of RFC 6455: a ping is answered with a pong; a close is answered with a close, then
 * the connection closes (and with it the broker's); a text frame is refused with close 1003, and a
 * frame the decoder refuses (over {@code maxFrameBytes}: 1009, a protocol error: 1002) with its
 * status. Whenever the connection closes for another reason (the broker left, a move, a timeout)
 * the client gets a normal close first. One per client, on its event loop.
 */
final class WebSocketFrames extends ChannelDuplexHandler {
  private final ClientConnection connection;
  /** A close frame went out: nothing more is read, and closing sends no second one. */
  private boolean closeSent;

  WebSocketFrames(ClientConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closeSent) {
      ReferenceCountUtil.release(msg); // the connection is closing
      return;
    }
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      ctx.fireChannelRead(((WebSocketFrame) msg).content()); // the payload's reference passes on
    } else if (msg instanceof PingWebSocketFrame ping) {
      // A client that does not read its pongs gets none, rather than making this node queue them.
      if (ctx.channel().isWritable()) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()), ctx.voidPromise());
      } else {
        ping.release();
      }
    } else if (msg instanceof CloseWebSocketFrame close) {
      // The closing handshake: the same status back (RFC 6455 §5.5.1), then the server closes the TCP connection.
      ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
    } else if (msg instanceof TextWebSocketFrame text) {
      text.release();
      connection.refuse(Metrics.REASON_WEBSOCKET_BAD_FRAME, "a text frame",
          new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "MQTT is carried in binary frames"));
    } else {
      ReferenceCountUtil.release(msg); // a pong, unasked for or late: nothing to do
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException refused) {
      WebSocketCloseStatus status = refused.closeStatus();
      String reason = status.code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
          ? Metrics.REASON_WEBSOCKET_FRAME_TOO_LARGE : Metrics.REASON_WEBSOCKET_BAD_FRAME;
      connection.refuse(reason, refused.getMessage(), new CloseWebSocketFrame(status, status.reasonText()));
      return;
    }
    connection.failed(ctx.channel(), cause);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf data && data.isReadable()) {
      ctx.write(new BinaryWebSocketFrame(data), promise);
      return;
    }
    // An empty buffer (a flush before a close) stays one: as a frame it would reach the client.
    if (msg instanceof CloseWebSocketFrame) {
      closeSent = true;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!closeSent && ctx.channel().isActive()) {
      closeSent = true;
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE), ctx.voidPromise());
    }
    ctx.close(promise);
  }
}
