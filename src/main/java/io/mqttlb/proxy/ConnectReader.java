package io.mqttlb.proxy;

import io.mqttlb.mqtt.Connack;
import io.mqttlb.mqtt.ConnectParser;
import io.mqttlb.mqtt.ConnectResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Arrays;

/**
 * The client pipeline's MQTT stage until the client is routed: buffers the client's bytes until
 * they hold a complete CONNECT, refuses what is not one, and hands a valid one to its
 * {@link ClientConnection}, which dials the broker and then replaces this handler with the relay.
 * The client stops reading while the broker connection opens; bytes already read by then (anything
 * the client pipelined after its CONNECT) stay buffered and are replayed with the CONNECT. While the
 * client waits for a capped broker's admission it is read on (see {@link #readWhileWaiting}).
 */
final class ConnectReader extends ChannelInboundHandlerAdapter {
  /** Re-parse a partial CONNECT on every read only while it is this short; see {@link #worthParsing}. */
  private static final int EARLY_PARSE_BYTES = 32;
  private static final int INITIAL_BUFFER = 128;

  private final ClientConnection connection;
  private final ConnectParser parser;
  private byte[] pending = new byte[INITIAL_BUFFER];
  private int pendingLength;
  private boolean routed;
  /** While waiting for admission: how many bytes may be buffered before reading stops; 0 otherwise. */
  private int waitingLimit;

  ConnectReader(ClientConnection connection, ConnectParser parser) {
    this.connection = connection;
    this.parser = parser;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf data = (ByteBuf) msg;
    if (pending == null) {
      data.release(); // rejected: the channel is closing
      return;
    }
    int before = pendingLength;
    try {
      append(data);
    } finally {
      data.release();
    }
    if (routed) {
      // Stragglers of the last read, and what a waiting client pipelines, are replayed with the rest.
      if (waitingLimit > 0 && pendingLength > waitingLimit) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    if (!worthParsing(before)) {
      return;
    }
    ConnectResult result = parser.parse(pending, 0, pendingLength);
    if (result.needsMore()) {
      return;
    }
    if (result.isInvalid()) {
      pending = null;
      connection.reject(result.reason().metricLabel(), result.detail(),
          Connack.forRejection(result.protocolLevel(), result.reason()));
      return;
    }
    routed = true;
    ctx.channel().config().setAutoRead(false);
    int connectLength = ConnectParser.declaredPacketLength(pending, 0, pendingLength);
    connection.connectReceived(result.info(), LoopGuard.fingerprint(pending, 0, connectLength));
  }

  /**
   * A read is parsed when the bytes before it were few (so that garbage and wrong protocol names
   * are refused at the first read that shows them) or once the declared packet length has arrived:
   * re-parsing a large CONNECT fed one byte at a time on every read would cost quadratic time.
   */
  private boolean worthParsing(int lengthBeforeRead) {
    if (lengthBeforeRead <= EARLY_PARSE_BYTES) {
      return true;
    }
    int declared = ConnectParser.declaredPacketLength(pending, 0, pendingLength);
    return declared < 0 || pendingLength >= declared;
  }

  /**
   * The routed client waits for admission, maybe for seconds: reading on lets the pipeline see it
   * leave (a closed socket is only noticed by reading it), and what it pipelines meanwhile (MQTT lets a
   * client send before its CONNACK) is buffered up to {@code maxMoreBytes}, after which reading stops.
   */
  void readWhileWaiting(Channel channel, int maxMoreBytes) {
    if (pending != null) {
      waitingLimit = pendingLength + maxMoreBytes;
      channel.config().setAutoRead(true);
    }
  }

  /** The client was admitted: it stops reading while its broker connection opens. */
  void stopReading(Channel channel) {
    waitingLimit = 0;
    channel.config().setAutoRead(false);
  }

  /** The CONNECT and whatever followed it, to replay to the broker; once. */
  ByteBuf takeBuffered() {
    ByteBuf buffered = Unpooled.wrappedBuffer(pending, 0, pendingLength);
    pending = null;
    return buffered;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connection.failed(ctx.channel(), cause);
  }

  private void append(ByteBuf data) {
    int length = data.readableBytes();
    if (pendingLength + length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
    }
    data.getBytes(data.readerIndex(), pending, pendingLength, length);
    pendingLength += length;
  }
}
