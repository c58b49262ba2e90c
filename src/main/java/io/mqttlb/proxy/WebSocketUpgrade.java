package io.mqttlb.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers a client's HTTP upgrade request on a WebSocket listener: refuses it as
 * {@link HandshakeRefusal} says (an HTTP error, or a close for bytes that are not HTTP), or answers
 * 101 and switches the client's pipeline from HTTP to WebSocket frames (see {@link WebSocketStage}),
 * removing itself. The decision is made at the request head; the switch waits for the end of the
 * request, so that no HTTP object follows it. One per client, on its event loop.
 */
final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {
  private final WebSocketStage stage;
  private final ClientConnection connection;
  /** The request head that passed every check, upgraded when its end arrives. */
  private HttpRequest accepted;
  private boolean refused;

  WebSocketUpgrade(WebSocketStage stage, ClientConnection connection) {
    this.stage = stage;
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (refused) {
        return; // the connection is closing
      }
      if (msg instanceof HttpRequest request) {
        HandshakeRefusal refusal = HandshakeRefusal.of(request, stage.config());
        if (refusal != null) {
          refuse(refusal);
          return;
        }
        accepted = request;
      }
      if (msg instanceof LastHttpContent && accepted != null) {
        upgrade(ctx);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void upgrade(ChannelHandlerContext ctx) {
    FullHttpResponse answer;
    try {
      answer = stage.accept(accepted);
    } catch (WebSocketHandshakeException e) { // a request the checks let through and Netty's handshake did not
      refuse(HandshakeRefusal.MALFORMED);
      return;
    }
    accepted = null;
    ChannelPipeline pipeline = ctx.pipeline();
    // The HTTP encoder before this handler encodes the answer within the write, so it can go right after.
    ctx.writeAndFlush(answer, ctx.voidPromise());
    pipeline.remove(WebSocketStage.HTTP_ENCODER);
    pipeline.addBefore(ctx.name(), WebSocketStage.FRAME_ENCODER, stage.frameEncoder());
    pipeline.replace(this, WebSocketStage.FRAMES, new WebSocketFrames(connection));
    // Last, as the frame handlers must be in place: the HTTP decoder hands whatever the client sent
    // after its request to the handler that replaces it.
    pipeline.replace(WebSocketStage.HTTP_DECODER, WebSocketStage.FRAME_DECODER, stage.frameDecoder());
  }

  private void refuse(HandshakeRefusal refusal) {
    refused = true;
    accepted = null;
    connection.refuse(refusal.metricLabel(), refusal.description(), refusal.answer());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connection.failed(ctx.channel(), cause);
  }
}
