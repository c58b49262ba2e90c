package io.mqttlb.proxy;

import io.mqttlb.config.WebSocketConfig;
import io.mqttlb.metrics.Metrics;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;

/**
 * Why a WebSocket listener refuses an HTTP request instead of upgrading it, and how it answers: an
 * HTTP status, or for bytes that are not HTTP at all, no answer. {@link #of} is the whole decision,
 * a pure function of the request head and the listener's settings, checked in this order:
 *
 * <pre>
 *   not HTTP (first byte)        close            ill-formed request        400
 *   request line over the bound  414              headers over the bound    431
 *   another path                 404              Origin not allowed        403
 *   not GET                      405              no Upgrade: websocket     426
 *   WebSocket version not 13     426              no Sec-WebSocket-Key      400
 *   a body                       400
 * </pre>
 *
 * Each refusal has a metric label of {@code connect_rejected}, from a bounded set.
 */
enum HandshakeRefusal {
  NOT_HTTP(null, Metrics.REASON_WEBSOCKET_NOT_HTTP, "not an HTTP request"),
  MALFORMED(HttpResponseStatus.BAD_REQUEST, Metrics.REASON_WEBSOCKET_BAD_REQUEST, "ill-formed HTTP request"),
  REQUEST_LINE_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, Metrics.REASON_WEBSOCKET_REQUEST_TOO_LARGE,
      "request line too long"),
  HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, Metrics.REASON_WEBSOCKET_REQUEST_TOO_LARGE,
      "request headers too large"),
  WRONG_PATH(HttpResponseStatus.NOT_FOUND, Metrics.REASON_WEBSOCKET_PATH, "not the WebSocket path"),
  ORIGIN_NOT_ALLOWED(HttpResponseStatus.FORBIDDEN, Metrics.REASON_WEBSOCKET_ORIGIN, "origin not allowed"),
  NOT_GET(HttpResponseStatus.METHOD_NOT_ALLOWED, Metrics.REASON_WEBSOCKET_BAD_REQUEST,
      "a WebSocket upgrade is a GET request"),
  NOT_UPGRADE(HttpResponseStatus.UPGRADE_REQUIRED, Metrics.REASON_WEBSOCKET_BAD_REQUEST,
      "this path serves MQTT over WebSocket only"),
  UNSUPPORTED_VERSION(HttpResponseStatus.UPGRADE_REQUIRED, Metrics.REASON_WEBSOCKET_BAD_REQUEST,
      "unsupported WebSocket version"),
  NO_KEY(HttpResponseStatus.BAD_REQUEST, Metrics.REASON_WEBSOCKET_BAD_REQUEST, "no Sec-WebSocket-Key"),
  BODY(HttpResponseStatus.BAD_REQUEST, Metrics.REASON_WEBSOCKET_BAD_REQUEST, "a WebSocket upgrade has no body");

  /** The one WebSocket version there is (RFC 6455 §4.1); the handshake answer names it when refusing another. */
  static final String WEBSOCKET_VERSION = "13";

  private final HttpResponseStatus status;
  private final String metricLabel;
  private final String description;

  HandshakeRefusal(HttpResponseStatus status, String metricLabel, String description) {
    this.status = status;
    this.metricLabel = metricLabel;
    this.description = description;
  }

  /** The HTTP answer's status; null: close without an answer. */
  HttpResponseStatus status() {
    return status;
  }

  String metricLabel() {
    return metricLabel;
  }

  String description() {
    return description;
  }

  /**
   * The HTTP answer, one line of text naming the problem, after which the connection closes; null
   * for {@link #NOT_HTTP}. A 426 names the upgrade and the version to use (RFC 9110 §15.5.22,
   * RFC 6455 §4.4), a 405 the method.
   */
  FullHttpResponse answer() {
    if (status == null) {
      return null;
    }
    byte[] text = (description + "\n").getBytes(StandardCharsets.US_ASCII);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(text));
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (status.equals(HttpResponseStatus.UPGRADE_REQUIRED)) {
      headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
          .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WEBSOCKET_VERSION);
    } else if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
      headers.set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
    }
    return response;
  }

  /** Why {@code request} is refused on a listener with {@code config}; null when it is a WebSocket upgrade to accept. */
  static HandshakeRefusal of(HttpRequest request, WebSocketConfig config) {
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      Throwable cause = decoded.cause();
      if (cause instanceof UpgradeRequestDecoder.NotHttpException) {
        return NOT_HTTP;
      }
      if (cause instanceof TooLongHttpLineException) {
        return REQUEST_LINE_TOO_LONG;
      }
      return cause instanceof TooLongHttpHeaderException ? HEADERS_TOO_LARGE : MALFORMED;
    }
    if (!config.path().equals(path(request.uri()))) {
      return WRONG_PATH;
    }
    HttpHeaders headers = request.headers();
    // Browsers always send Origin; other clients may not, and could write any value anyway (RFC 6455 §10.2).
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (origin != null && !config.allowsOrigin(origin)) {
      return ORIGIN_NOT_ALLOWED;
    }
    if (!HttpMethod.GET.equals(request.method())) {
      return NOT_GET;
    }
    // Both are token lists: "Connection: keep-alive, Upgrade" is what Firefox sends (RFC 6455 §4.2.1).
    if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      return NOT_UPGRADE;
    }
    if (!WEBSOCKET_VERSION.equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      return UNSUPPORTED_VERSION;
    }
    String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    if (key == null || key.isBlank()) {
      return NO_KEY;
    }
    if (HttpUtil.getContentLength(request, 0L) != 0 || HttpUtil.isTransferEncodingChunked(request)) {
      return BODY;
    }
    return null;
  }

  /**
   * The path of a request target: without query and fragment; of the absolute form
   * ({@code http://host/mqtt}, which servers must accept, RFC 9112 §3.2.2) the part after the authority.
   */
  static String path(String target) {
    int start = 0;
    int scheme = target.indexOf("://");
    if (scheme > 0 && target.charAt(0) != '/') {
      int slash = target.indexOf('/', scheme + 3);
      if (slash < 0) {
        return "/";
      }
      start = slash;
    }
    int end = start;
    while (end < target.length() && target.charAt(end) != '?' && target.charAt(end) != '#') {
      end++;
    }
    return target.substring(start, end);
  }
}
