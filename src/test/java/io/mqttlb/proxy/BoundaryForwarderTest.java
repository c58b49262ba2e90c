package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.mqtt.ServerDisconnect;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MQTT 5 broker→client relay ending with a DISCONNECT, on real sockets: at once between two
 * packets, after the rest of a packet that was half through, or without the DISCONNECT when the
 * rest never comes. A fake broker writes the bytes; a plain socket plays the client and reads
 * exactly what the relay wrote.
 */
class BoundaryForwarderTest {
  /** PUBLISH QoS 0, topic "a/b", payload of 300 bytes: remaining length 305 = B1 02. */
  private static final byte[] PUBLISH = publish(300);
  private static final byte[] DISCONNECT = ServerDisconnect.withReason(ServerDisconnect.USE_ANOTHER_SERVER);

  private Vertx vertx;
  private Context context;
  private NetSocket brokerEnd;
  private NetSocket fromBroker;
  private NetSocket toClient;
  private Socket client;
  private BoundaryForwarder forwarder;

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
  void relay() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    CompletableFuture<NetSocket> brokerSide = new CompletableFuture<>();
    CompletableFuture<NetSocket> relaySide = new CompletableFuture<>();
    CompletableFuture<int[]> ports = new CompletableFuture<>();
    context.runOnContext(v -> {
      NetServer broker = vertx.createNetServer().connectHandler(brokerSide::complete);
      NetServer relay = vertx.createNetServer().connectHandler(relaySide::complete);
      broker.listen(0, "127.0.0.1").compose(b -> relay.listen(0, "127.0.0.1"))
          .onSuccess(r -> ports.complete(new int[] {broker.actualPort(), relay.actualPort()}));
    });
    int[] bound = ports.get(10, TimeUnit.SECONDS);
    CompletableFuture<NetSocket> dialled = new CompletableFuture<>();
    context.runOnContext(v -> vertx.createNetClient().connect(bound[0], "127.0.0.1").onSuccess(dialled::complete));
    fromBroker = dialled.get(10, TimeUnit.SECONDS);
    brokerEnd = brokerSide.get(10, TimeUnit.SECONDS);
    client = new Socket("127.0.0.1", bound[1]);
    client.setSoTimeout(3000);
    toClient = relaySide.get(10, TimeUnit.SECONDS);
    forwarder = new BoundaryForwarder(vertx, fromBroker, toClient, n -> { });
    CompletableFuture<Void> wired = new CompletableFuture<>();
    context.runOnContext(v -> {
      fromBroker.handler(forwarder);
      wired.complete(null);
    });
    wired.get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void brokerWrites(byte[] bytes, int from, int to) {
    context.runOnContext(v -> brokerEnd.write(Buffer.buffer(Arrays.copyOfRange(bytes, from, to))));
  }

  /** Reads exactly {@code n} bytes the relay wrote to the client. */
  private byte[] clientReads(int n) throws Exception {
    byte[] bytes = client.getInputStream().readNBytes(n);
    assertEquals(n, bytes.length, "bytes before end of stream");
    return bytes;
  }

  /** Cuts like ClientConnection does: the DISCONNECT (or not), then closes the client side. */
  private CompletableFuture<Boolean> cut(long graceMillis) {
    CompletableFuture<Boolean> sent = new CompletableFuture<>();
    context.runOnContext(v -> forwarder.cutAndSend(DISCONNECT, graceMillis, ok -> {
      sent.complete(ok);
      toClient.close();
    }));
    return sent;
  }

  /** Everything the client reads until the relay closes its side. */
  private byte[] clientReadsToEnd() throws Exception {
    InputStream in = client.getInputStream();
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    try {
      in.transferTo(rest);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the relay did not close the client side; read " + rest.size() + " bytes", e);
    }
    return rest.toByteArray();
  }

  @Test
  void beforeACutBytesFlowUntouched() throws Exception {
    for (int i = 0; i < PUBLISH.length; i += 7) {
      brokerWrites(PUBLISH, i, Math.min(PUBLISH.length, i + 7));
    }
    assertArrayEquals(PUBLISH, clientReads(PUBLISH.length));
  }

  @Test
  void betweenTwoPacketsTheDisconnectIsWrittenAtOnce() throws Exception {
    brokerWrites(PUBLISH, 0, PUBLISH.length);
    assertArrayEquals(PUBLISH, clientReads(PUBLISH.length));
    CompletableFuture<Boolean> sent = cut(5000);
    assertTrue(sent.get(1, TimeUnit.SECONDS));
    assertArrayEquals(DISCONNECT, clientReadsToEnd());
  }

  @Test
  void midPacketTheRestOfThePacketGoesFirstThenTheDisconnectAndNothingAfter() throws Exception {
    brokerWrites(PUBLISH, 0, 2); // the header is split too: type and the first length byte
    brokerWrites(PUBLISH, 2, 150);
    assertArrayEquals(Arrays.copyOf(PUBLISH, 150), clientReads(150));
    CompletableFuture<Boolean> sent = cut(5000);
    Thread.sleep(100);
    assertFalse(sent.isDone(), "waits for the rest of the packet");
    // The rest of the packet and the next packet in one write: the relay must split the read at the boundary.
    byte[] restAndNext = new byte[PUBLISH.length - 150 + PUBLISH.length];
    System.arraycopy(PUBLISH, 150, restAndNext, 0, PUBLISH.length - 150);
    System.arraycopy(PUBLISH, 0, restAndNext, PUBLISH.length - 150, PUBLISH.length);
    brokerWrites(restAndNext, 0, restAndNext.length);
    assertTrue(sent.get(2, TimeUnit.SECONDS));
    byte[] expected = new byte[PUBLISH.length - 150 + DISCONNECT.length];
    System.arraycopy(PUBLISH, 150, expected, 0, PUBLISH.length - 150);
    System.arraycopy(DISCONNECT, 0, expected, PUBLISH.length - 150, DISCONNECT.length);
    assertArrayEquals(expected, clientReadsToEnd(), "rest of the PUBLISH, the DISCONNECT, nothing of the next packet");
  }

  @Test
  void withoutABoundaryWithinTheGraceTimeTheRelayClosesWithoutTheDisconnect() throws Exception {
    brokerWrites(PUBLISH, 0, 100);
    assertArrayEquals(Arrays.copyOf(PUBLISH, 100), clientReads(100));
    long start = System.nanoTime();
    CompletableFuture<Boolean> sent = cut(300);
    assertEquals(false, sent.get(3, TimeUnit.SECONDS));
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(waitedMillis >= 250 && waitedMillis < 2000, "gave up after " + waitedMillis + " ms");
    brokerWrites(PUBLISH, 100, PUBLISH.length); // too late: not relayed
    assertArrayEquals(new byte[0], clientReadsToEnd());
  }
}
