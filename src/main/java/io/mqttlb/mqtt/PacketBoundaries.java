package io.mqttlb.mqtt;

/**
 * Follows the packet boundaries of one direction of an MQTT stream without buffering it: the first
 * byte of each packet (type and flags), its Remaining Length (a Variable Byte Integer of one to four
 * bytes, 3.1.1 §2.2.3, MQTT 5 §1.5.5), then that many body bytes, skipped in bulk. A header split
 * across chunks is carried over. The relay uses it to cut a broker→client stream between two packets
 * and insert a server DISCONNECT there.
 *
 * <pre>
 *   30 0A 00 03 61 2F 62 68 65 6C 6C 6F   PUBLISH: type 0x30, length 10, 10 body bytes
 *   ^ boundary                          ^ boundary (the next packet's first byte, or the end)
 *   feed "30 0A 00 03" then "61 2F 62 68 65 6C 6C 6F D0 00": nextBoundary of the second chunk is 8
 * </pre>
 *
 * <p>A Remaining Length longer than four bytes makes the stream malformed: no boundary is reported
 * any more. Allocation-free; not thread-safe (one instance per relayed connection, on its event
 * loop). Knows nothing of Vert.x: bytes come through {@link ByteSource}.
 */
public final class PacketBoundaries {
  /** Indexed bytes of one chunk, e.g. a Vert.x buffer or an array; implemented once per reader, not per chunk. */
  @FunctionalInterface
  public interface ByteSource {
    byte byteAt(int index);
  }

  private static final int AT_BOUNDARY = 0;
  private static final int IN_LENGTH = 1;
  private static final int IN_BODY = 2;
  private static final int MALFORMED = 3;
  private static final int MAX_LENGTH_BYTES = 4;

  private int state = AT_BOUNDARY;
  private int length;
  private int lengthBytes;
  private int bodyLeft;

  /** True between two packets: the next byte, if any, starts a packet. */
  public boolean atBoundary() {
    return state == AT_BOUNDARY;
  }

  /** True once a Remaining Length ran past four bytes; the stream has no boundaries any more. */
  public boolean malformed() {
    return state == MALFORMED;
  }

  /** Follows bytes {@code [from, to)} of a chunk. */
  public void skip(ByteSource chunk, int from, int to) {
    advance(chunk, from, to, false);
  }

  /**
   * Follows bytes from {@code from} up to the first packet boundary at or after it and returns its
   * index (which is {@code from} when already at a boundary, and may be {@code to}); follows the
   * whole range and returns -1 when no boundary lies in {@code [from, to]}.
   */
  public int nextBoundary(ByteSource chunk, int from, int to) {
    return advance(chunk, from, to, true);
  }

  private int advance(ByteSource chunk, int from, int to, boolean stopAtBoundary) {
    int pos = from;
    while (true) {
      switch (state) {
        case AT_BOUNDARY -> {
          if (stopAtBoundary) {
            return pos;
          }
          if (pos >= to) {
            return -1;
          }
          pos++; // type and flags: any value, the broker's packets are not checked here
          state = IN_LENGTH;
          length = 0;
          lengthBytes = 0;
        }
        case IN_LENGTH -> {
          if (pos >= to) {
            return -1;
          }
          int b = chunk.byteAt(pos++) & 0xFF;
          length |= (b & 0x7F) << (7 * lengthBytes);
          lengthBytes++;
          if ((b & 0x80) == 0) {
            bodyLeft = length;
            state = bodyLeft == 0 ? AT_BOUNDARY : IN_BODY;
          } else if (lengthBytes == MAX_LENGTH_BYTES) {
            state = MALFORMED;
          }
        }
        case IN_BODY -> {
          if (pos >= to) {
            return -1;
          }
          int n = Math.min(bodyLeft, to - pos);
          pos += n;
          bodyLeft -= n;
          if (bodyLeft == 0) {
            state = AT_BOUNDARY;
          }
        }
        default -> {
          return -1; // MALFORMED
        }
      }
    }
  }

  /** A source over an array, for tests and callers that hold bytes in arrays. */
  public static ByteSource of(byte[] bytes) {
    return i -> bytes[i];
  }
}
