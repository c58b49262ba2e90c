package io.mqttlb.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port that is free right now on an address: for listeners configured with port 0. */
public final class FreePort {
  private FreePort() {
  }

  public static int on(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }
}
