package io.mqttlb.proxy;

import io.netty.channel.Channel;

/** What a {@link RelayHandler} tells the connection it relays for; on the relay's event loop. */
interface RelayEnds {
  /** {@code bytes} were relayed, from the broker to the client or the other way. */
  void relayed(boolean fromBroker, int bytes);

  /** The channel {@code reader} writes into drained: {@code reader}, paused by back-pressure, may read again. */
  void resume(Channel reader);

  /** An exception on one of the relay's channels. */
  void failed(Channel channel, Throwable cause);
}
