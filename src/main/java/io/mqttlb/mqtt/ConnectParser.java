package io.mqttlb.mqtt;

import java.util.Objects;

/**
 * Decides whether the first bytes of a connection are an MQTT 3.1, 3.1.1 or 5 CONNECT, and extracts what routing
 * needs. Stateless and thread-safe: the caller accumulates bytes and asks again, getting NEED_MORE until the packet
 * is complete and INVALID at the earliest byte that reveals a problem. Each call costs time linear in the bytes
 * given (at most the packet's declared length), so callers that ask once per read should also bound how long a
 * client may take to finish its CONNECT.
 *
 * <p>A 3.1.1 CONNECT, and the byte at which each decision falls:
 * <pre>
 * 10             byte 1: not 0x10 -> NOT_CONNECT (an HTTP "GET " stops here)
 * 0D             remaining length 13; limit exceeded -> TOO_LARGE before any body arrives
 * 00 04 4D 51 54 54  "MQTT"; any wrong byte -> BAD_PROTOCOL_NAME at that byte
 * 04             level 4; not 3/4/5 or not matching the name -> UNSUPPORTED_PROTOCOL_LEVEL
 * 02             flags: clean session
 * 00 3C          keep alive 60 s
 * 00 01 61       client id "a"; a length past the remaining length -> MALFORMED at once
 *                the remaining length is used up exactly -> VALID, packetLength 15
 * </pre>
 */
public final class ConnectParser {

  public static final int DEFAULT_MAX_CONNECT_BYTES = 65536;

  /** Packet type 1 (CONNECT) with its reserved flags 0 (3.1.1 §2.2, MQTT 5 §2.1.3). */
  private static final byte CONNECT_FIRST_BYTE = 0x10;
  private static final int MIN_FIXED_HEADER_BYTES = 2;
  private static final int REMAINING_LENGTH_MAX_BYTES = 4;

  private final int maxConnectBytes;

  /**
   * @param maxConnectBytes largest CONNECT accepted, fixed header included; at least the 2 bytes of the smallest
   *     fixed header
   */
  public ConnectParser(int maxConnectBytes) {
    if (maxConnectBytes < MIN_FIXED_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "maxConnectBytes (" + maxConnectBytes + ") must be at least " + MIN_FIXED_HEADER_BYTES);
    }
    this.maxConnectBytes = maxConnectBytes;
  }

  public int maxConnectBytes() {
    return maxConnectBytes;
  }

  /**
   * Parses the first MQTT packet in {@code data[offset, offset+length)}. Never throws for any content, never reads
   * outside that range nor past the packet's declared length; bytes after the CONNECT (a pipelined SUBSCRIBE) do not
   * change the answer, and {@link ConnectInfo#packetLength()} says where they start.
   *
   * @throws NullPointerException if {@code data} is null, and {@link IndexOutOfBoundsException} if the range is
   *     not inside it: caller bugs, not input
   */
  public ConnectResult parse(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(data, "data").length);
    if (length == 0) {
      return ConnectResult.needMore();
    }
    if (data[offset] != CONNECT_FIRST_BYTE) {
      return ConnectResult.invalid(RejectReason.NOT_CONNECT,
          "first byte 0x" + Integer.toHexString(data[offset] & 0xFF) + " is not CONNECT (0x10)", 0);
    }
    int received = offset + length;
    long header = fixedHeader(data, offset, received);
    if (header == HEADER_INCOMPLETE) {
      return ConnectResult.needMore();
    }
    if (header == HEADER_MALFORMED) {
      return ConnectResult.invalid(RejectReason.MALFORMED_REMAINING_LENGTH,
          "remaining length continues past four bytes", 0);
    }
    int remainingLength = (int) header;
    int pos = offset + (int) (header >>> 32);
    int headerLength = pos - offset;
    // The limit is applied to the declaration, before any of the body is buffered.
    if ((long) headerLength + remainingLength > maxConnectBytes) {
      return ConnectResult.invalid(RejectReason.TOO_LARGE, "CONNECT declares "
          + (headerLength + remainingLength) + " bytes, more than the limit of " + maxConnectBytes, 0);
    }
    // An end past Integer.MAX_VALUE lies beyond any array; clamping keeps the walk's arithmetic in int range.
    int packetEnd = (int) Math.min((long) pos + remainingLength, Integer.MAX_VALUE);
    return new ConnectWalk(data, offset, pos, packetEnd, received).run();
  }

  /**
   * The whole length (fixed header plus remaining length) that the packet in {@code data[offset, offset+length)}
   * declares, or -1 while its fixed header is incomplete or malformed. Lets a caller that accumulates bytes parse
   * again only once the packet can be complete, instead of on every read.
   */
  public static int declaredPacketLength(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(data, "data").length);
    long header = fixedHeader(data, offset, offset + length);
    if (header < 0) {
      return -1;
    }
    return (int) Math.min((header >>> 32) + (int) header, Integer.MAX_VALUE);
  }

  private static final long HEADER_INCOMPLETE = -1;
  private static final long HEADER_MALFORMED = -2;

  /**
   * Decodes the fixed header after the first byte: the header's length in the high 32 bits and the Remaining Length
   * in the low 32, or HEADER_INCOMPLETE / HEADER_MALFORMED. The Remaining Length is a Variable Byte Integer of at
   * most four bytes (3.1.1 §2.2.3, MQTT 5 §1.5.5). Non-minimal encodings pass: they are unambiguous, and 3.1.1 does
   * not forbid them.
   */
  private static long fixedHeader(byte[] data, int offset, int received) {
    int pos = offset + 1;
    int remainingLength = 0;
    for (int i = 0; ; i++) {
      if (i == REMAINING_LENGTH_MAX_BYTES) {
        return HEADER_MALFORMED;
      }
      if (pos >= received) {
        return HEADER_INCOMPLETE;
      }
      int b = data[pos++] & 0xFF;
      remainingLength |= (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return ((long) (pos - offset) << 32) | remainingLength;
      }
    }
  }

  /** {@link #parse(byte[], int, int)} over the whole array. */
  public ConnectResult parse(byte[] data) {
    return parse(data, 0, data.length);
  }
}
