package io.mqttlb.proxy;

import io.mqttlb.mqtt.PacketBoundaries;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The broker→client relay of an MQTT 5 client: a {@link RelayHandler} that also follows the packet
 * boundaries of the stream, so that it can end the relay between two packets with a server
 * DISCONNECT (MQTT 5 §3.14) instead of cutting a PUBLISH in half.
 *
 * <p>{@link #cutAndSend} writes the packet at once when the stream is between packets; otherwise it
 * keeps forwarding up to the next boundary, writes everything before it, then the packet, and drops
 * the rest. When no boundary comes within the grace time (a broker that went quiet mid-packet, a
 * client that does not read), {@code done} gets false and the packet is not sent. Confined to the
 * relay's event loop; implements the tracker's byte source itself, so following costs no allocation
 * per read.
 */
final class BoundaryRelayHandler extends RelayHandler implements PacketBoundaries.ByteSource {
  private final PacketBoundaries boundaries = new PacketBoundaries();
  private ByteBuf chunk;
  private int chunkStart;
  private byte[] pendingPacket;
  private Consumer<Boolean> onCut;
  private ScheduledFuture<?> graceTimer;
  private boolean finished;

  BoundaryRelayHandler(RelayEnds ends, Channel client) {
    super(ends, client, true);
  }

  @Override
  public byte byteAt(int index) {
    return chunk.getByte(chunkStart + index);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf data = (ByteBuf) msg;
    if (finished) {
      data.release(); // after the cut nothing more reaches the client
      return;
    }
    int length = data.readableBytes();
    chunk = data;
    chunkStart = data.readerIndex();
    if (pendingPacket == null) {
      boundaries.skip(this, 0, length);
      chunk = null;
      forward(ctx, data);
      return;
    }
    int at = boundaries.nextBoundary(this, 0, length);
    chunk = null;
    if (at < 0) {
      forward(ctx, data);
      return;
    }
    if (at > 0) {
      forward(ctx, data.retainedSlice(chunkStart, at));
    }
    data.release();
    sendPacket(ctx);
  }

  /** Whether the stream was cut (the DISCONNECT sent or given up): the broker must stay paused. */
  boolean finished() {
    return finished;
  }

  /** Whether the stream is between two packets now. */
  boolean atBoundary() {
    return boundaries.atBoundary();
  }

  /**
   * Ends the relay at the next packet boundary with {@code packet}; {@code done} gets true once the
   * packet is written, false when it was given up after {@code graceMillis}. Once only; on the
   * relay's event loop.
   *
   * @return whether the stream was between two packets at the call (else the packet waits for the
   *     end of the current one)
   */
  boolean cutAndSend(ChannelHandlerContext ctx, byte[] packet, long graceMillis, Consumer<Boolean> done) {
    if (finished || pendingPacket != null) {
      return false;
    }
    pendingPacket = packet;
    onCut = done;
    // The grace time also covers writing the packet: a client that does not read cannot hold the relay open.
    graceTimer = ctx.executor().schedule(() -> {
      graceTimer = null;
      finished = true;
      ctx.channel().config().setAutoRead(false);
      report(false);
    }, graceMillis, TimeUnit.MILLISECONDS);
    if (boundaries.atBoundary()) {
      sendPacket(ctx);
      return true;
    }
    return false;
  }

  private void sendPacket(ChannelHandlerContext ctx) {
    finished = true;
    ctx.channel().config().setAutoRead(false); // nothing after the boundary reaches the client
    peer.writeAndFlush(Unpooled.wrappedBuffer(pendingPacket)).addListener(f -> report(f.isSuccess()));
  }

  private void report(boolean sent) {
    if (onCut == null) {
      return;
    }
    Consumer<Boolean> done = onCut;
    onCut = null;
    if (graceTimer != null) {
      graceTimer.cancel(false);
      graceTimer = null;
    }
    done.accept(sent);
  }
}
