package io.mqttlb.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A PROXY protocol peer in front of a real broker, for tests: it reads each connection's header with
 * Netty's {@link HAProxyMessageDecoder}, keeps what the header said, and relays the rest of the
 * connection both ways to the broker. HAProxy 2.6 can log the addresses it is told but not the SSL
 * TLVs of a v2 header; this peer can.
 */
public final class ProxyHeaderRecorder implements AutoCloseable {

  /**
   * What one header said. {@code sslClient} and {@code sslVerify} are -1, and {@code ssl} empty,
   * when the header has no {@code PP2_TYPE_SSL} TLV; {@code ssl} maps each sub-TLV type to its
   * value as UTF-8 text, in the order written.
   */
  public record Received(HAProxyCommand command, String sourceAddress, int sourcePort, int sslClient, int sslVerify,
                         Map<Integer, String> ssl) {
    public static final int PP2_SUBTYPE_SSL_VERSION = 0x21;
    public static final int PP2_SUBTYPE_SSL_CN = 0x22;
    public static final int PP2_SUBTYPE_SSL_CIPHER = 0x23;
    public static final int PP2_SUBTYPE_SSL_SIG_ALG = 0x24;
    public static final int PP2_SUBTYPE_SSL_KEY_ALG = 0x25;
    public static final int PP2_CLIENT_SSL = 0x01;
    public static final int PP2_CLIENT_CERT_CONN = 0x02;
    public static final int PP2_CLIENT_CERT_SESS = 0x04;

    /** The client's CN, as the broker behind would read it; null when the header has none. */
    public String commonName() {
      return ssl.get(PP2_SUBTYPE_SSL_CN);
    }

    static Received of(HAProxyMessage header) {
      int client = -1;
      int verify = -1;
      Map<Integer, String> values = new LinkedHashMap<>();
      for (HAProxyTLV tlv : header.tlvs()) {
        if (tlv instanceof HAProxySSLTLV ssl) {
          client = ssl.client() & 0xFF;
          verify = ssl.verify();
          for (HAProxyTLV sub : ssl.encapsulatedTLVs()) {
            values.put(sub.typeByteValue() & 0xFF, sub.content().toString(StandardCharsets.UTF_8));
          }
        }
      }
      return new Received(header.command(), header.sourceAddress(), header.sourcePort(), client, verify,
          Collections.unmodifiableMap(values));
    }
  }

  private final ServerSocket server;
  private final int targetPort;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** Listens on a free loopback port, in front of the broker on {@code targetPort}. */
  public ProxyHeaderRecorder(int targetPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    daemon(this::acceptLoop, "proxy-header-recorder");
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Every header with the PROXY command read so far (health probes send LOCAL ones, not kept). */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Waits for a header that matches {@code wanted}, failing after {@link Await#DEFAULT_TIMEOUT}. */
  public Received await(String what, Predicate<Received> wanted) throws InterruptedException {
    Await.until(what, () -> received.stream().anyMatch(wanted));
    return received.stream().filter(wanted).findFirst().orElseThrow();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        daemon(() -> serve(client), "proxy-header-recorder-connection");
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Reads the header, then relays: whatever came with the header first, then both directions. */
  private void serve(Socket client) {
    EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    HAProxyMessage header = null;
    try {
      InputStream in = client.getInputStream();
      byte[] buffer = new byte[4096];
      while (header == null) {
        int n = in.read(buffer);
        if (n < 0) {
          closeQuietly(client);
          return;
        }
        decoder.writeInbound(Unpooled.copiedBuffer(buffer, 0, n));
        for (Object out = decoder.readInbound(); out != null; out = decoder.readInbound()) {
          if (out instanceof HAProxyMessage message) {
            header = message;
          } else {
            ByteBuf bytes = (ByteBuf) out;
            rest.write(ByteBufUtil.getBytes(bytes));
            bytes.release();
          }
        }
      }
      if (header.command() == HAProxyCommand.PROXY) {
        received.add(Received.of(header));
      }
      header.release();
      Socket target = new Socket();
      sockets.add(target);
      target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
      target.getOutputStream().write(rest.toByteArray());
      pump(client, target);
      pump(target, client);
    } catch (IOException | RuntimeException e) { // RuntimeException: the decoder refused the header
      closeQuietly(client);
    } finally {
      decoder.finishAndReleaseAll();
    }
  }

  private void pump(Socket from, Socket to) {
    daemon(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // one side closed: close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-header-recorder-pump");
  }

  private static void daemon(Runnable work, String name) {
    Thread thread = new Thread(work, name);
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
