package io.mqttlb.health;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of the MQTT health probe and the reading of the broker's answer (MQTT 3.1.1, §3.1,
 * §3.2, §3.14). Pure: no I/O, no Vert.x.
 *
 * <pre>
 *   CONNECT     10 len  00 04 'M' 'Q' 'T' 'T'  04  02  00 00  00 n &lt;client id&gt;
 *                       protocol name          level flags keepalive payload
 *                                                    (clean session; keepalive 0: no timer)
 *   CONNACK     20 02  ack-flags  return-code
 *   DISCONNECT  E0 00
 * </pre>
 */
public final class ProbePackets {
  /** DISCONNECT: the probe leaves cleanly, so the broker does not log a lost client (§3.14). */
  static final byte[] DISCONNECT = {(byte) 0xE0, 0x00};
  static final int CONNACK_LENGTH = 4;
  /** CONNACK return code 0x03 (§3.2.2.3): the network connection works but MQTT is unavailable. */
  static final int SERVER_UNAVAILABLE = 0x03;
  /** Return codes 1 to 5 are defined (§3.2.2.3); 6 to 255 are reserved. */
  static final int LAST_DEFINED_RETURN_CODE = 0x05;

  /** What a CONNACK says about the broker's health. */
  public enum Answer {
    /** Fewer bytes than a CONNACK so far. */
    NEED_MORE(false),
    /** Return code 0: connection accepted. */
    ACCEPTED(true),
    /**
     * Refused for the probe's own sake (protocol version, identifier, credentials, not authorized):
     * the broker answers MQTT, so it is up for clients that are allowed in.
     */
    REFUSED_BUT_ANSWERING(true),
    /** Return code 3, server unavailable: down. */
    SERVER_UNAVAILABLE(false),
    /** Not a CONNACK (another packet type, a wrong length, a reserved return code): down. */
    NOT_MQTT(false);

    private final boolean up;

    Answer(boolean up) {
      this.up = up;
    }

    /** Whether this answer means the broker is up; false for {@link #NEED_MORE} too. */
    public boolean up() {
      return up;
    }
  }

  private ProbePackets() {}

  /** A clean-session MQTT 3.1.1 CONNECT with keepalive 0 and this client id (at most 65535 UTF-8 bytes). */
  public static byte[] connect(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    if (id.length > 0xFFFF) {
      throw new IllegalArgumentException("client id longer than 65535 bytes");
    }
    int remaining = 10 + 2 + id.length;
    byte[] length = remainingLength(remaining);
    byte[] packet = new byte[1 + length.length + remaining];
    int i = 0;
    packet[i++] = 0x10;
    System.arraycopy(length, 0, packet, i, length.length);
    i += length.length;
    byte[] variableHeader = {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x00};
    System.arraycopy(variableHeader, 0, packet, i, variableHeader.length);
    i += variableHeader.length;
    packet[i++] = (byte) (id.length >>> 8);
    packet[i++] = (byte) id.length;
    System.arraycopy(id, 0, packet, i, id.length);
    return packet;
  }

  /** Reads the first bytes a broker sent after the probe's CONNECT. */
  public static Answer readConnack(byte[] bytes, int length) {
    if (length >= 1 && (bytes[0] & 0xFF) != 0x20) {
      return Answer.NOT_MQTT;
    }
    if (length >= 2 && bytes[1] != 0x02) {
      return Answer.NOT_MQTT;
    }
    if (length >= 3 && (bytes[2] & 0xFE) != 0) {
      return Answer.NOT_MQTT; // acknowledge flags: bits 7-1 are reserved, 0 (§3.2.2.1)
    }
    if (length < CONNACK_LENGTH) {
      return Answer.NEED_MORE;
    }
    int code = bytes[3] & 0xFF;
    if (code == 0) {
      return Answer.ACCEPTED;
    }
    if (code == SERVER_UNAVAILABLE) {
      return Answer.SERVER_UNAVAILABLE;
    }
    return code <= LAST_DEFINED_RETURN_CODE ? Answer.REFUSED_BUT_ANSWERING : Answer.NOT_MQTT;
  }

  /** The variable-length encoding of the remaining length (§2.2.3). */
  private static byte[] remainingLength(int value) {
    byte[] out = new byte[4];
    int n = 0;
    do {
      int digit = value % 128;
      value /= 128;
      out[n++] = (byte) (value > 0 ? digit | 0x80 : digit);
    } while (value > 0);
    return Arrays.copyOf(out, n);
  }
}
