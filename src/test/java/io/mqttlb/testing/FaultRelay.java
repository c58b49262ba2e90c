package io.mqttlb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fault-injecting TCP relay between a real client and a node, for tests. Two faults:
 * <ul>
 *   <li>dribble: the client's first {@code dribbleBytes} bytes are written one byte per write (TCP_NODELAY and a
 *       short pause, so each byte travels in its own segment);
 *   <li>stall: {@link #stallDownstream()} stops reading what the node sends, as a slow or stuck client does, with a
 *       small receive buffer so that the node feels it soon; {@link #resumeDownstream()} reads on.
 * </ul>
 */
public final class FaultRelay implements AutoCloseable {
  private static final int SMALL_RECEIVE_BUFFER = 16 * 1024;

  private final ServerSocket server;
  private final int targetPort;
  private final int dribbleBytes;
  private final long pauseMillis;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object stallLock = new Object();
  private volatile boolean stalled;

  public FaultRelay(int targetPort, int dribbleBytes, long pauseMillis) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.dribbleBytes = dribbleBytes;
    this.pauseMillis = pauseMillis;
    Thread acceptor = new Thread(this::acceptLoop, "fault-relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A relay that only stalls on demand. */
  public static FaultRelay stalling(int targetPort) throws IOException {
    return new FaultRelay(targetPort, 0, 0);
  }

  public int port() {
    return server.getLocalPort();
  }

  public void stallDownstream() {
    stalled = true;
  }

  public void resumeDownstream() {
    synchronized (stallLock) {
      stalled = false;
      stallLock.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target = new Socket();
        target.setReceiveBufferSize(SMALL_RECEIVE_BUFFER);
        target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        client.setTcpNoDelay(true);
        target.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(target);
        pump(client, target, dribbleBytes, false);
        pump(target, client, 0, true);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, int dribble, boolean stallable) {
    Thread thread = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        byte[] buffer = new byte[8192];
        int sent = 0;
        while (true) {
          if (stallable) {
            awaitNotStalled();
          }
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          for (int i = 0; i < n; i++) {
            if (sent < dribble) {
              out.write(buffer[i]);
              out.flush();
              sent++;
              Thread.sleep(pauseMillis);
            } else {
              out.write(buffer, i, n - i);
              out.flush();
              sent += n - i;
              break;
            }
          }
        }
      } catch (IOException | InterruptedException e) {
        // one side closed: close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "fault-relay-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void awaitNotStalled() throws InterruptedException {
    synchronized (stallLock) {
      while (stalled) {
        stallLock.wait();
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    resumeDownstream();
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }
}
