package io.mqttlb.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.function.IntConsumer;

/**
 * Relays bytes one way with back-pressure: when the destination's write queue is full the source is
 * paused until the destination drains, so a slow reader on either side holds at most one write
 * queue of memory instead of growing without bound.
 */
final class Forwarder implements Handler<Buffer> {
  private final NetSocket from;
  private final NetSocket to;
  private final IntConsumer bytesCounter;

  Forwarder(NetSocket from, NetSocket to, IntConsumer bytesCounter) {
    this.from = from;
    this.to = to;
    this.bytesCounter = bytesCounter;
  }

  @Override
  public void handle(Buffer data) {
    to.write(data);
    bytesCounter.accept(data.length());
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }
}
