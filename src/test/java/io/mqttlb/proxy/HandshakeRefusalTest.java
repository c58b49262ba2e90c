package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mqttlb.config.WebSocketConfig;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The upgrade decision alone: each refusal, the order of the checks, and what each answer carries. */
class HandshakeRefusalTest {
  private static final WebSocketConfig ANY_ORIGIN = WebSocketConfig.defaults();
  private static final WebSocketConfig ONE_ORIGIN = new WebSocketConfig("/mqtt", List.of("https://app.example.com"), 4096);

  /** A valid upgrade request for {@code /mqtt}, changed by {@code change}. */
  private static HttpRequest upgrade(Consumer<HttpRequest> change) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/mqtt");
    request.headers()
        .set("Host", "lb.example.com")
        .set("Upgrade", "websocket")
        .set("Connection", "Upgrade")
        .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .set("Sec-WebSocket-Version", "13")
        .set("Sec-WebSocket-Protocol", "mqtt");
    change.accept(request);
    return request;
  }

  @Test
  void aValidUpgradeIsAccepted() {
    assertNull(HandshakeRefusal.of(upgrade(r -> { }), ANY_ORIGIN));
    // What browsers send: Firefox lists keep-alive too; header values are case-insensitive tokens.
    assertNull(HandshakeRefusal.of(upgrade(r -> r.headers().set("Connection", "keep-alive, Upgrade")
        .set("Upgrade", "WebSocket").set("Origin", "https://anywhere.example")), ANY_ORIGIN));
    assertNull(HandshakeRefusal.of(upgrade(r -> r.setUri("/mqtt?token=abc")), ANY_ORIGIN));
    assertNull(HandshakeRefusal.of(upgrade(r -> r.setUri("http://lb.example.com:8083/mqtt")), ANY_ORIGIN));
  }

  @Test
  void eachDefectHasItsRefusal() {
    assertEquals(HandshakeRefusal.WRONG_PATH, HandshakeRefusal.of(upgrade(r -> r.setUri("/mqtt/")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.WRONG_PATH, HandshakeRefusal.of(upgrade(r -> r.setUri("/MQTT")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.NOT_GET, HandshakeRefusal.of(upgrade(r -> r.setMethod(HttpMethod.POST)), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.NOT_UPGRADE, HandshakeRefusal.of(upgrade(r -> r.headers().remove("Upgrade")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.NOT_UPGRADE, HandshakeRefusal.of(upgrade(r -> r.headers().set("Upgrade", "h2c")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.NOT_UPGRADE,
        HandshakeRefusal.of(upgrade(r -> r.headers().set("Connection", "keep-alive")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.UNSUPPORTED_VERSION,
        HandshakeRefusal.of(upgrade(r -> r.headers().set("Sec-WebSocket-Version", "8")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.UNSUPPORTED_VERSION,
        HandshakeRefusal.of(upgrade(r -> r.headers().remove("Sec-WebSocket-Version")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.NO_KEY, HandshakeRefusal.of(upgrade(r -> r.headers().remove("Sec-WebSocket-Key")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.BODY, HandshakeRefusal.of(upgrade(r -> r.headers().set("Content-Length", "5")), ANY_ORIGIN));
    assertEquals(HandshakeRefusal.BODY,
        HandshakeRefusal.of(upgrade(r -> r.headers().set("Transfer-Encoding", "chunked")), ANY_ORIGIN));
  }

  @Test
  void originsAreCheckedOnlyWhenListedAndOnlyWhenSent() {
    assertEquals(HandshakeRefusal.ORIGIN_NOT_ALLOWED,
        HandshakeRefusal.of(upgrade(r -> r.headers().set("Origin", "https://evil.example")), ONE_ORIGIN));
    assertEquals(HandshakeRefusal.ORIGIN_NOT_ALLOWED,
        HandshakeRefusal.of(upgrade(r -> r.headers().set("Origin", "null")), ONE_ORIGIN));
    assertNull(HandshakeRefusal.of(upgrade(r -> r.headers().set("Origin", "https://app.example.com")), ONE_ORIGIN));
    assertNull(HandshakeRefusal.of(upgrade(r -> { }), ONE_ORIGIN), "a client that sends no Origin is not a browser");
  }

  @Test
  void decoderFailuresComeFirst() {
    HttpRequest tooLong = upgrade(r -> r.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("x"))));
    assertEquals(HandshakeRefusal.HEADERS_TOO_LARGE, HandshakeRefusal.of(tooLong, ANY_ORIGIN));
    HttpRequest longLine = upgrade(r -> r.setDecoderResult(DecoderResult.failure(new TooLongHttpLineException("x"))));
    assertEquals(HandshakeRefusal.REQUEST_LINE_TOO_LONG, HandshakeRefusal.of(longLine, ANY_ORIGIN));
    HttpRequest notHttp = upgrade(r -> r.setDecoderResult(DecoderResult.failure(new UpgradeRequestDecoder.NotHttpException())));
    assertEquals(HandshakeRefusal.NOT_HTTP, HandshakeRefusal.of(notHttp, ANY_ORIGIN));
    HttpRequest malformed = upgrade(r -> r.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("x"))));
    assertEquals(HandshakeRefusal.MALFORMED, HandshakeRefusal.of(malformed, ANY_ORIGIN));
  }

  @Test
  void thePathComesBeforeTheOriginAndTheOriginBeforeTheRest() {
    HttpRequest both = upgrade(r -> {
      r.setUri("/other");
      r.headers().set("Origin", "https://evil.example").remove("Upgrade");
    });
    assertEquals(HandshakeRefusal.WRONG_PATH, HandshakeRefusal.of(both, ONE_ORIGIN));
    both.setUri("/mqtt");
    assertEquals(HandshakeRefusal.ORIGIN_NOT_ALLOWED, HandshakeRefusal.of(both, ONE_ORIGIN));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "/mqtt|/mqtt", "/mqtt?x=1|/mqtt", "/mqtt#top|/mqtt", "/|/", "http://h:8083/mqtt?x=1|/mqtt", "HTTPS://h|/", "*|*",
      "/a://b|/a://b"})
  void thePathOfARequestTarget(String target, String path) {
    assertEquals(path, HandshakeRefusal.path(target));
  }

  @Test
  void answersNameWhatToDoInstead() {
    FullHttpResponse upgradeRequired = HandshakeRefusal.NOT_UPGRADE.answer();
    assertEquals(HttpResponseStatus.UPGRADE_REQUIRED, upgradeRequired.status());
    assertEquals("websocket", upgradeRequired.headers().get("Upgrade"));
    assertEquals("13", upgradeRequired.headers().get("Sec-WebSocket-Version"));
    assertEquals("close", upgradeRequired.headers().get("Connection"));
    upgradeRequired.release();
    FullHttpResponse notAllowed = HandshakeRefusal.NOT_GET.answer();
    assertEquals("GET", notAllowed.headers().get("Allow"));
    notAllowed.release();
    FullHttpResponse notFound = HandshakeRefusal.WRONG_PATH.answer();
    assertEquals(notFound.content().readableBytes(), notFound.headers().getInt("Content-Length"));
    notFound.release();
    assertNull(HandshakeRefusal.NOT_HTTP.answer(), "bytes that are not HTTP get no HTTP answer");
  }
}
