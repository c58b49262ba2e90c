package io.mqttlb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Free loopback ports for servers that cannot bind port 0 themselves. */
public final class Ports {
  private Ports() {
  }

  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A loopback port where every connect is refused, for as long as the returned socket stays open:
   * the socket is bound (so no server of the test, a node's listener included, can take the port
   * meanwhile) but never listens. A merely free port can be handed to the node's own listener a
   * moment later, and a "dead broker" there makes the node relay to itself without end.
   */
  public static Socket refusing() {
    try {
      Socket socket = new Socket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
