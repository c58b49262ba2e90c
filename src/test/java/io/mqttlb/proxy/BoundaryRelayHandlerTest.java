package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.mqtt.ServerDisconnect;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MQTT 5 broker→client relay ending with a DISCONNECT, on Netty's embedded channels: at once
 * between two packets, after the rest of a packet that was half through (the read holding the
 * boundary is split there), or without the DISCONNECT when the rest does not come within the grace
 * time. The broker channel holds the handler; the client channel records exactly what was written.
 */
class BoundaryRelayHandlerTest {
  /** PUBLISH QoS 0, topic "a/b", payload of 300 bytes: remaining length 305 = B1 02. */
  private static final byte[] PUBLISH = publish(300);
  private static final byte[] DISCONNECT = ServerDisconnect.withReason(ServerDisconnect.USE_ANOTHER_SERVER);
  private static final long GRACE_MILLIS = 1000;

  private EmbeddedChannel client;
  private EmbeddedChannel broker;
  private BoundaryRelayHandler handler;
  private int relayedBytes;

  private static byte[] publish(int payloadLength) {
    int remaining = 2 + 3 + payloadLength;
    byte[] packet = new byte[3 + remaining];
    packet[0] = 0x30;
    packet[1] = (byte) (0x80 | (remaining & 0x7F));
    packet[2] = (byte) (remaining >> 7);
    packet[3] = 0;
    packet[4] = 3;
    packet[5] = 'a';
    packet[6] = '/';
    packet[7] = 'b';
    for (int i = 8; i < packet.length; i++) {
      packet[i] = (byte) i;
    }
    return packet;
  }

  @BeforeEach
  void relay() {
    client = new EmbeddedChannel();
    RelayEnds ends = new RelayEnds() {
      @Override
      public void relayed(boolean fromBroker, int bytes) {
        relayedBytes += bytes;
      }

      @Override
      public void resume(Channel reader) {
        reader.config().setAutoRead(true);
      }

      @Override
      public void failed(Channel channel, Throwable cause) {
        throw new AssertionError(cause);
      }
    };
    handler = new BoundaryRelayHandler(ends, client);
    broker = new EmbeddedChannel(handler);
    broker.freezeTime(); // the grace timer runs on the test's clock only
  }

  @AfterEach
  void close() {
    broker.finishAndReleaseAll();
    client.finishAndReleaseAll();
  }

  private void brokerWrites(byte[] bytes, int from, int to) {
    broker.writeInbound(Unpooled.copiedBuffer(Arrays.copyOfRange(bytes, from, to)));
  }

  /** Everything written to the client so far. */
  private byte[] clientGot() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf buf; (buf = client.readOutbound()) != null; ) {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  private AtomicReference<Boolean> cut() {
    AtomicReference<Boolean> sent = new AtomicReference<>();
    handler.cutAndSend(broker.pipeline().context(handler), DISCONNECT, GRACE_MILLIS, sent::set);
    return sent;
  }

  @Test
  void beforeACutBytesFlowUntouched() {
    for (int i = 0; i < PUBLISH.length; i += 7) {
      brokerWrites(PUBLISH, i, Math.min(PUBLISH.length, i + 7));
    }
    assertArrayEquals(PUBLISH, clientGot());
    assertEquals(PUBLISH.length, relayedBytes);
    assertTrue(handler.atBoundary());
  }

  @Test
  void betweenTwoPacketsTheDisconnectIsWrittenAtOnce() {
    brokerWrites(PUBLISH, 0, PUBLISH.length);
    assertArrayEquals(PUBLISH, clientGot());
    AtomicReference<Boolean> sent = cut();
    assertEquals(Boolean.TRUE, sent.get());
    assertArrayEquals(DISCONNECT, clientGot());
    assertFalse(broker.config().isAutoRead(), "the broker stops reading after the cut");
    brokerWrites(PUBLISH, 0, PUBLISH.length);
    assertArrayEquals(new byte[0], clientGot(), "nothing after the cut reaches the client");
  }

  @Test
  void midPacketTheRestOfThePacketGoesFirstThenTheDisconnectAndNothingAfter() {
    brokerWrites(PUBLISH, 0, 2); // the header is split too: type and the first length byte
    brokerWrites(PUBLISH, 2, 150);
    assertArrayEquals(Arrays.copyOf(PUBLISH, 150), clientGot());
    AtomicReference<Boolean> sent = cut();
    assertNull(sent.get(), "waits for the rest of the packet");
    assertArrayEquals(new byte[0], clientGot());
    // The rest of the packet and the next packet in one read: the relay must split the read at the boundary.
    byte[] restAndNext = new byte[PUBLISH.length - 150 + PUBLISH.length];
    System.arraycopy(PUBLISH, 150, restAndNext, 0, PUBLISH.length - 150);
    System.arraycopy(PUBLISH, 0, restAndNext, PUBLISH.length - 150, PUBLISH.length);
    brokerWrites(restAndNext, 0, restAndNext.length);
    assertEquals(Boolean.TRUE, sent.get());
    byte[] expected = new byte[PUBLISH.length - 150 + DISCONNECT.length];
    System.arraycopy(PUBLISH, 150, expected, 0, PUBLISH.length - 150);
    System.arraycopy(DISCONNECT, 0, expected, PUBLISH.length - 150, DISCONNECT.length);
    assertArrayEquals(expected, clientGot(), "rest of the PUBLISH, the DISCONNECT, nothing of the next packet");
  }

  @Test
  void withoutABoundaryWithinTheGraceTimeTheCutIsGivenUpWithoutTheDisconnect() {
    brokerWrites(PUBLISH, 0, 100);
    assertArrayEquals(Arrays.copyOf(PUBLISH, 100), clientGot());
    AtomicReference<Boolean> sent = cut();
    broker.advanceTimeBy(GRACE_MILLIS - 1, TimeUnit.MILLISECONDS);
    broker.runScheduledPendingTasks();
    assertNull(sent.get(), "still within the grace time");
    broker.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    broker.runScheduledPendingTasks();
    assertEquals(Boolean.FALSE, sent.get());
    brokerWrites(PUBLISH, 100, PUBLISH.length); // too late: not relayed
    assertArrayEquals(new byte[0], clientGot());
  }

  @Test
  void aSecondCutIsRefused() {
    cut();
    assertFalse(handler.cutAndSend(broker.pipeline().context(handler), DISCONNECT, GRACE_MILLIS, ok -> {
      throw new AssertionError("second cut reported");
    }));
  }
}
