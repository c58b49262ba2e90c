package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.LimitsConfig;
import io.mqttlb.config.WebSocketConfig;
import io.mqttlb.metrics.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket stage on Netty's embedded channel, for what the network cannot show: which handlers
 * an upgraded client keeps, that bytes the client sent right behind its request reach the frame
 * decoder (and are answered after the 101), and the exact frames written to the client.
 */
class WebSocketStageTest {
  private static final String REQUEST = "GET /mqtt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n";
  /** A masked ping frame with payload "hi" (mask 01 02 03 04). */
  private static final byte[] PING = HexFormat.of().parseHex("8982" + "01020304" + "696b");

  private EmbeddedChannel channel;
  private Metrics metrics;

  @BeforeEach
  void setUp() {
    channel = new EmbeddedChannel() {
      @Override
      protected SocketAddress remoteAddress0() {
        return new InetSocketAddress("127.0.0.1", 50000);
      }

      @Override
      protected SocketAddress localAddress0() {
        return new InetSocketAddress("127.0.0.1", 8083);
      }
    };
    metrics = new Metrics();
    ProxyRuntime runtime = ProxyRuntime.of(null, LimitsConfig.defaults(), metrics, null);
    ClientConnection connection = new ClientConnection(channel, runtime, null, new RelayedClients(channel.eventLoop()),
        false);
    new WebSocketStage(WebSocketConfig.defaults()).addTo(channel.pipeline(), connection);
    channel.pipeline().addLast("connect", connection.reader());
    connection.start();
  }

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
  }

  @Test
  void anUpgradedClientKeepsOnlyTheFrameHandlers() {
    channel.writeInbound(ascii(REQUEST));
    String answer = ascii(written());
    assertTrue(answer.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), answer);
    assertTrue(answer.contains("sec-websocket-protocol: mqtt\r\n"), answer);
    assertEquals(List.of(WebSocketStage.FRAME_DECODER, WebSocketStage.FRAME_ENCODER, WebSocketStage.FRAMES, "connect"),
        channel.pipeline().names().subList(0, 4));
    assertEquals(5, channel.pipeline().names().size(), "and the channel's tail");
  }

  @Test
  void bytesRightBehindTheRequestAreFramesAnsweredAfterThe101() {
    channel.writeInbound(Unpooled.wrappedBuffer(REQUEST.getBytes(StandardCharsets.US_ASCII), PING));
    String answer = ascii(written());
    assertTrue(answer.startsWith("HTTP/1.1 101 "), answer);
    String afterHead = answer.substring(answer.indexOf("\r\n\r\n") + 4);
    assertEquals("8a026869", HexFormat.of().formatHex(afterHead.getBytes(StandardCharsets.ISO_8859_1)),
        "then a pong with the ping's payload");
  }

  @Test
  void buffersWrittenToTheClientGoOutAsBinaryFramesAndAnEmptyOneAsNothing() {
    channel.writeInbound(ascii(REQUEST));
    written();
    channel.writeAndFlush(Unpooled.wrappedBuffer(HexFormat.of().parseHex("20020000")));
    assertEquals("8204" + "20020000", HexFormat.of().formatHex(written()), "a CONNACK in one binary frame");
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
    assertEquals(0, written().length, "no empty frame");
  }

  @Test
  void closingTheConnectionSendsANormalCloseFirst() {
    channel.writeInbound(ascii(REQUEST));
    written();
    channel.close();
    assertEquals("8805" + "03e8" + "427965", HexFormat.of().formatHex(written()), "close 1000 \"Bye\"");
    assertFalse(channel.isOpen());
  }

  @Test
  void aRefusedRequestIsAnsweredOnceAndCountedOnce() {
    channel.writeInbound(ascii("GET /other HTTP/1.1\r\nHost: x\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\n\r\n"));
    String answer = ascii(written());
    assertTrue(answer.startsWith("HTTP/1.1 404 Not Found\r\n"), answer);
    assertEquals(answer.indexOf("HTTP/1.1"), answer.lastIndexOf("HTTP/1.1"), "one answer");
    assertFalse(channel.isOpen());
    assertEquals(1, metrics.rejectedCount(Metrics.REASON_WEBSOCKET_PATH));
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  private static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** Everything written to the client so far, as the socket would carry it. */
  private byte[] written() {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf next; (next = channel.readOutbound()) != null; ) {
      all.writeBytes(next);
      next.release();
    }
    byte[] bytes = new byte[all.readableBytes()];
    all.readBytes(bytes);
    return bytes;
  }
}
