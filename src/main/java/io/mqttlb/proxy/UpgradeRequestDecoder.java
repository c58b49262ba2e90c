package io.mqttlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.util.List;

/**
 * Netty's HTTP request decoder with the bounds of a WebSocket upgrade request, which also refuses
 * bytes that cannot start an HTTP request at the first byte. The plain decoder skips leading
 * control bytes and then waits for a line end, so an MQTT client pointed at a WebSocket listener
 * ({@code 10 0c 00 04 'MQTT' ...}) would hold its connection until the connect timeout; here its
 * first byte ends it. Failures come out as a request whose decoder result is the failure (as the
 * plain decoder reports too-long lines and headers), for {@link HandshakeRefusal} to classify.
 */
final class UpgradeRequestDecoder extends HttpRequestDecoder {
  /** Room for a path with a query string (a token in it, say); longer is refused with 414. */
  static final int MAX_REQUEST_LINE = 4096;
  /** Room for a browser's headers, cookies included; more is refused with 431. */
  static final int MAX_HEADER_BYTES = 8192;

  private boolean firstByteSeen;
  private boolean notHttp;

  UpgradeRequestDecoder() {
    super(new HttpDecoderConfig().setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADER_BYTES));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (notHttp) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    if (!firstByteSeen && buffer.isReadable()) {
      firstByteSeen = true;
      if (!startsAMethod(buffer.getByte(buffer.readerIndex()))) {
        notHttp = true;
        buffer.skipBytes(buffer.readableBytes());
        HttpMessage refused = createInvalidMessage();
        refused.setDecoderResult(DecoderResult.failure(new NotHttpException()));
        out.add(refused);
        return;
      }
    }
    super.decode(ctx, buffer, out);
  }

  /** Every request method in use is upper-case letters (RFC 9110 §9). */
  private static boolean startsAMethod(byte b) {
    return b >= 'A' && b <= 'Z';
  }

  /** The decoder result of bytes that are not HTTP; without a stack trace, since it is an answer, not a fault. */
  static final class NotHttpException extends DecoderException {
    private static final long serialVersionUID = 1L;

    NotHttpException() {
      super("the first byte cannot start an HTTP request");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
