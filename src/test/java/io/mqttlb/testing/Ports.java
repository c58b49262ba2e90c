package io.mqttlb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free loopback ports for servers that cannot bind port 0 themselves.
 *
 * <p>The ports come from below the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}),
 * never from it. A port of that range that is free now can be taken a moment later as the local port
 * of some outgoing connection (a Hazelcast member dialling another, a client of the test), and the
 * server that was meant to bind it then fails to start. Below the range only a server binds. A
 * cursor that starts at a random place (two suites on one machine rarely walk the same ports) and
 * moves on at every call never hands out one port twice in a JVM.
 */
public final class Ports {
  private static final int LOWEST = 10_000;
  private static final int BELOW_EPHEMERAL = firstEphemeralPort();
  private static final AtomicInteger CURSOR =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(BELOW_EPHEMERAL - LOWEST));

  private Ports() {
  }

  public static int free() {
    int span = BELOW_EPHEMERAL - LOWEST;
    for (int attempt = 0; attempt < span; attempt++) {
      int port = LOWEST + Math.floorMod(CURSOR.getAndIncrement(), span);
      if (bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port in " + LOWEST + "-" + (BELOW_EPHEMERAL - 1));
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range; Linux's default when it cannot be read. */
  private static int firstEphemeralPort() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int first = Integer.parseInt(range.split("\\s+")[0]);
      return first > LOWEST + 1_000 ? first : 32_768;
    } catch (IOException | RuntimeException unreadable) {
      return 32_768;
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
