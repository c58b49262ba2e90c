package io.mqttlb.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A WebSocket client of the test's own bytes, for what real clients will not send: requests that
 * are not upgrades, bad paths and origins, unmasked or text frames. Writes masked frames (as a
 * client must) and reads the server's frames. One thread at a time.
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int OPCODE_CONTINUATION = 0x0;
  public static final int OPCODE_TEXT = 0x1;
  public static final int OPCODE_BINARY = 0x2;
  public static final int OPCODE_CLOSE = 0x8;
  public static final int OPCODE_PING = 0x9;
  public static final int OPCODE_PONG = 0xA;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Random random = new Random(7);
  /** Bytes of binary frames read and not yet asked for. */
  private final ByteArrayOutputStream stream = new ByteArrayOutputStream();

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to the loopback {@code port}; reads time out after {@code readTimeoutMillis}. */
  public static RawWebSocket connect(int port, int readTimeoutMillis) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(readTimeoutMillis);
    return new RawWebSocket(socket);
  }

  /** The head of an HTTP response: its status code and headers (names in lower case). */
  public record Response(int status, Map<String, String> headers) {}

  /** A well-formed upgrade request for {@code path} offering {@code mqtt}, with {@code extraHeaders} lines added. */
  public static String upgradeRequest(String path, String... extraHeaders) {
    StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Protocol: mqtt\r\n");
    for (String header : extraHeaders) {
      request.append(header).append("\r\n");
    }
    return request.append("\r\n").toString();
  }

  /** Sends {@code request} as it is and reads the response head. */
  public Response request(String request) throws IOException {
    write(request.getBytes(StandardCharsets.ISO_8859_1));
    return readResponseHead();
  }

  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private Response readResponseHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed before the end of the response head: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return new Response(status, headers);
  }

  /** Writes one frame, masked as a client must unless {@code masked} is false. */
  public void sendFrame(int opcode, boolean fin, byte[] payload, boolean masked) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      frame.write(maskBit | payload.length);
    } else if (payload.length < 65536) {
      frame.write(maskBit | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift));
      }
    }
    byte[] body = payload.clone();
    if (masked) {
      byte[] mask = new byte[4];
      random.nextBytes(mask);
      frame.write(mask, 0, 4);
      for (int i = 0; i < body.length; i++) {
        body[i] ^= mask[i % 4];
      }
    }
    frame.write(body, 0, body.length);
    write(frame.toByteArray());
  }

  public void sendBinary(byte[] payload) throws IOException {
    sendFrame(OPCODE_BINARY, true, payload, true);
  }

  /** One frame from the server (which never masks). */
  public record Frame(boolean fin, int opcode, byte[] payload) {
    /** The status code of a close frame; 1005 (none given) when it has no body. */
    public int closeStatus() {
      return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  public Frame readFrame() throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    if ((second & 0x80) != 0) {
      throw new IOException("the server masked a frame");
    }
    long length = second & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    return new Frame((first & 0x80) != 0, first & 0x0F, payload);
  }

  /**
   * The next {@code count} bytes of the stream that binary and continuation frames carry, however
   * the server framed them (bytes past {@code count} wait for the next call); fails on any other frame.
   */
  public byte[] readBinary(int count) throws IOException {
    while (stream.size() < count) {
      Frame frame = readFrame();
      if (frame.opcode() != OPCODE_BINARY && frame.opcode() != OPCODE_CONTINUATION) {
        throw new IOException("expected MQTT bytes, got a frame with opcode " + frame.opcode());
      }
      stream.write(frame.payload(), 0, frame.payload().length);
    }
    byte[] all = stream.toByteArray();
    stream.reset();
    stream.write(all, count, all.length - count);
    return Arrays.copyOf(all, count);
  }

  /** Whether the server closed the connection (end of stream or reset) before the read timeout, after whatever it still sent. */
  public boolean closedByPeer() throws IOException {
    try {
      InputStream raw = in;
      byte[] buffer = new byte[4096];
      while (raw.read(buffer) >= 0) {
        // drain what came before the close
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
