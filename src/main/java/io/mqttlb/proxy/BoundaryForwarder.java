package io.mqttlb.proxy;

import io.mqttlb.mqtt.PacketBoundaries;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.function.IntConsumer;

/**
 * The broker→client relay of an MQTT 5 client: a {@link Forwarder} that also follows the packet
 * boundaries of the stream, so that it can end the relay between two packets with a server
 * DISCONNECT (MQTT 5 §3.14) instead of cutting a PUBLISH in half.
 *
 * <p>{@link #cutAndSend} writes the packet at once when the stream is between packets; otherwise it
 * keeps forwarding up to the next boundary, writes everything before it, then the packet, and drops
 * the rest. When no boundary comes within the grace time (a broker that went quiet mid-packet, a
 * client that does not read), {@code onGiveUp} runs without the packet. Confined to the relay's event
 * loop like the sockets; implements the tracker's byte source itself, so following costs no
 * allocation per chunk.
 */
final class BoundaryForwarder implements Handler<Buffer>, PacketBoundaries.ByteSource {
  private final Vertx vertx;
  private final NetSocket from;
  private final NetSocket to;
  private final IntConsumer bytesCounter;
  private final PacketBoundaries boundaries = new PacketBoundaries();
  private Buffer chunk;
  private Buffer pendingPacket;
  private Handler<Boolean> onCut;
  private long graceTimer = -1;
  private boolean finished;

  BoundaryForwarder(Vertx vertx, NetSocket from, NetSocket to, IntConsumer bytesCounter) {
    this.vertx = vertx;
    this.from = from;
    this.to = to;
    this.bytesCounter = bytesCounter;
  }

  @Override
  public byte byteAt(int index) {
    return chunk.getByte(index);
  }

  @Override
  public void handle(Buffer data) {
    if (finished) {
      return;
    }
    int length = data.length();
    chunk = data;
    if (pendingPacket == null) {
      boundaries.skip(this, 0, length);
      chunk = null;
      forward(data, length);
      return;
    }
    int at = boundaries.nextBoundary(this, 0, length);
    chunk = null;
    if (at < 0) {
      forward(data, length);
      return;
    }
    if (at > 0) {
      forward(data.slice(0, at), at);
    }
    sendPacket();
  }

  private void forward(Buffer data, int length) {
    to.write(data);
    bytesCounter.accept(length);
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }

  /** Whether the stream is between two packets now. */
  boolean atBoundary() {
    return boundaries.atBoundary();
  }

  /**
   * Ends the relay at the next packet boundary with {@code packet}; {@code done} gets true once the
   * packet is written, false when it was given up after {@code graceMillis}. Once only.
   *
   * @return whether the stream was between two packets at the call (else the packet waits for the
   *     end of the current one)
   */
  boolean cutAndSend(byte[] packet, long graceMillis, Handler<Boolean> done) {
    if (finished || pendingPacket != null) {
      return false;
    }
    pendingPacket = Buffer.buffer(packet);
    onCut = done;
    // The grace time also covers writing the packet: a client that does not read cannot hold the relay open.
    graceTimer = vertx.setTimer(graceMillis, id -> {
      graceTimer = -1;
      finished = true;
      from.pause();
      report(false);
    });
    if (boundaries.atBoundary()) {
      sendPacket();
      return true;
    }
    return false;
  }

  private void sendPacket() {
    finished = true;
    from.pause(); // nothing after the boundary reaches the client
    to.write(pendingPacket).onComplete(ar -> report(ar.succeeded()));
  }

  private void report(boolean sent) {
    if (onCut == null) {
      return;
    }
    Handler<Boolean> done = onCut;
    onCut = null;
    if (graceTimer >= 0) {
      vertx.cancelTimer(graceTimer);
      graceTimer = -1;
    }
    done.handle(sent);
  }
}
