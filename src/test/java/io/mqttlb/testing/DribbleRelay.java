package io.mqttlb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * A fault-injecting TCP relay for tests: it forwards one connection at a time to a target, writing
 * the client's first {@code dribbleBytes} bytes one byte per write (with TCP_NODELAY and a short
 * pause, so each byte travels in its own segment) and everything after that as it comes.
 */
public final class DribbleRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final int dribbleBytes;
  private final long pauseMillis;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  public DribbleRelay(int targetPort, int dribbleBytes, long pauseMillis) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.dribbleBytes = dribbleBytes;
    this.pauseMillis = pauseMillis;
    this.acceptor = new Thread(this::acceptLoop, "dribble-relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        target.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(target);
        pump(client, target, dribbleBytes);
        pump(target, client, 0);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, int dribble) {
    Thread thread = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        byte[] buffer = new byte[8192];
        int sent = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
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
    }, "dribble-pump");
    thread.setDaemon(true);
    thread.start();
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
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }
}
