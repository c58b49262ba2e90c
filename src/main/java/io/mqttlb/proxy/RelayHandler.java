package io.mqttlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Relays the bytes read on one channel of a client's relay to the other channel, the {@code peer},
 * without copying: each pooled read buffer is handed to the peer's write and released by it.
 *
 * <p>Back-pressure by writability, as Netty's HexDumpProxy: when the peer's outbound buffer passes
 * its high-water mark this side stops reading (autoRead off), and when it falls below the low mark
 * again ({@code channelWritabilityChanged} on the peer's handler) reading resumes, unless the relay
 * is being ended. A slow reader on either side therefore holds at most one outbound buffer of
 * memory. Writes are flushed once per read burst, at {@code channelReadComplete}. When either
 * channel closes, the other is flushed and closed. Confined to the relay's event loop (both channels
 * live on it).
 */
class RelayHandler extends ChannelInboundHandlerAdapter {
  final RelayEnds ends;
  final Channel peer;
  private final boolean fromBroker;

  /** @param fromBroker whether this handler reads the broker's channel (and writes the client's) */
  RelayHandler(RelayEnds ends, Channel peer, boolean fromBroker) {
    this.ends = ends;
    this.peer = peer;
    this.fromBroker = fromBroker;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    forward(ctx, (ByteBuf) msg);
  }

  /** Writes {@code data} to the peer (which releases it) and pauses this side if the peer is full. */
  final void forward(ChannelHandlerContext ctx, ByteBuf data) {
    ends.relayed(fromBroker, data.readableBytes());
    peer.write(data, peer.voidPromise());
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // This side drained below its low-water mark: the peer, paused because of it, may read again.
    if (ctx.channel().isWritable()) {
      ends.resume(peer);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ClientConnection.closeOnFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ends.failed(ctx.channel(), cause);
  }
}
