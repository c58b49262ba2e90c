package io.mqttlb.proxy;

import io.mqttlb.config.WebSocketConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;

/**
 * MQTT over WebSocket on one listener: the stage between the PROXY header and TLS stages and the
 * CONNECT. Each client first gets the HTTP upgrade handlers; {@link WebSocketUpgrade} answers the
 * request and swaps them for the frame handlers, so an idle client holds only those:
 *
 * <pre>
 *   before the upgrade   http-decoder (UpgradeRequestDecoder) → http-encoder → ws-upgrade (WebSocketUpgrade)
 *   after it             ws-decoder (WebSocket13FrameDecoder) → ws-encoder → ws-frames (WebSocketFrames)
 * </pre>
 *
 * then the CONNECT reader and the relay, which see a plain byte stream either way. Immutable, shared
 * by the listener's connections.
 */
final class WebSocketStage {
  static final String HTTP_DECODER = "http-decoder";
  static final String HTTP_ENCODER = "http-encoder";
  static final String UPGRADE = "ws-upgrade";
  static final String FRAME_DECODER = "ws-decoder";
  static final String FRAME_ENCODER = "ws-encoder";
  static final String FRAMES = "ws-frames";
  /**
   * The subprotocols MQTT registers: {@code mqtt} (MQTT 3.1.1 §6, MQTT 5 §6) and {@code mqttv3.1},
   * which MQTT 3.1 clients offer. The first one the client offers is echoed.
   */
  static final String SUBPROTOCOLS = "mqtt,mqttv3.1";

  private final WebSocketConfig config;
  private final WebSocketDecoderConfig frames;

  WebSocketStage(WebSocketConfig config) {
    this.config = config;
    this.frames = WebSocketDecoderConfig.newBuilder()
        // Checked at the frame header, before its payload is buffered.
        .maxFramePayloadLength(config.maxFrameBytes())
        .expectMaskedFrames(true) // clients mask every frame (RFC 6455 §5.1)
        .allowMaskMismatch(false)
        .allowExtensions(false) // none is negotiated: a set RSV bit is a protocol error
        // WebSocketFrames answers violations itself, so that each is counted once, in one place.
        .closeOnProtocolViolation(false)
        .withUTF8Validator(false) // text frames are refused whatever they hold
        .build();
  }

  WebSocketConfig config() {
    return config;
  }

  /** Adds the upgrade handlers for one client, at the end of its pipeline so far. */
  void addTo(ChannelPipeline pipeline, ClientConnection connection) {
    pipeline.addLast(HTTP_DECODER, new UpgradeRequestDecoder());
    pipeline.addLast(HTTP_ENCODER, new HttpResponseEncoder());
    pipeline.addLast(UPGRADE, new WebSocketUpgrade(this, connection));
  }

  /** The 101 answer to an upgrade request that {@link HandshakeRefusal#of} accepted. */
  FullHttpResponse accept(HttpRequest request) {
    DefaultFullHttpRequest whole = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
        request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
    return new Handshake(frames).answer(whole);
  }

  WebSocket13FrameDecoder frameDecoder() {
    return new WebSocket13FrameDecoder(frames);
  }

  WebSocket13FrameEncoder frameEncoder() {
    return new WebSocket13FrameEncoder(false); // a server does not mask (RFC 6455 §5.1)
  }

  /**
   * Netty's RFC 6455 handshake, for its answer alone (the accept key, the echoed subprotocol):
   * {@link WebSocketUpgrade} switches the pipeline itself. One per handshake, since Netty's keeps
   * the subprotocol it chose.
   */
  private static final class Handshake extends WebSocketServerHandshaker13 {
    Handshake(WebSocketDecoderConfig frames) {
      super(null, SUBPROTOCOLS, frames);
    }

    FullHttpResponse answer(DefaultFullHttpRequest request) {
      return newHandshakeResponse(request, null);
    }
  }
}
