package io.mqttlb.mqtt;

import java.util.Objects;

/**
 * The CONNACK bytes the balancer itself sends: to refuse a CONNECT, or to say no broker can take it. Each call
 * returns a fresh array. Null means "close without a CONNACK", which is what the protocol asks for whenever it
 * names no return or reason code for the case, or when the client's dialect is unknown.
 *
 * <pre>
 * 3.1 / 3.1.1 (§3.2):  20 02 00 rc       fixed header, acknowledge flags, return code
 * MQTT 5 (§3.2):       20 03 00 rc 00    fixed header, acknowledge flags, reason code, property length 0
 * </pre>
 */
public final class Connack {

  private static final byte CONNACK_FIRST_BYTE = 0x20;

  // 3.1.1 §3.2.2.3 return codes (3.1 uses the same values).
  private static final int UNACCEPTABLE_PROTOCOL_VERSION = 0x01;
  private static final int IDENTIFIER_REJECTED = 0x02;
  private static final int SERVER_UNAVAILABLE = 0x03;

  // MQTT 5 §3.2.2.2 reason codes.
  private static final int MALFORMED_PACKET = 0x81;
  private static final int PROTOCOL_ERROR = 0x82;
  private static final int UNSUPPORTED_PROTOCOL_VERSION = 0x84;
  private static final int CLIENT_IDENTIFIER_NOT_VALID = 0x85;
  private static final int SERVER_UNAVAILABLE_5 = 0x88;
  private static final int SERVER_BUSY = 0x89;
  private static final int PACKET_TOO_LARGE = 0x95;

  private static final int NONE = -1;

  private Connack() {}

  /**
   * The CONNACK that tells the client why it was refused, or null when the protocol says to just close.
   *
   * <p>MQTT 5 has a reason code for every reason except a wrong first byte or protocol name, where the peer has not
   * shown it speaks MQTT 5 (§3.1.2.1 lets the server simply disconnect). 3.1 and 3.1.1 only have codes for an
   * unacceptable protocol level and a rejected identifier ([MQTT-3.1.3-8] requires the latter for an empty id
   * without clean session); a malformed packet or protocol violation is answered by closing (3.1.1 §4.8). An
   * unsupported level other than 5 gets the 3.1.1 form, which 3.1.1 §3.1.2.2 requires for levels it does not know.
   * TOO_LARGE maps to 0x95 for MQTT 5, but the parser decides it before the level is read, so it usually reaches
   * here with level 0.
   *
   * @param protocolLevel {@link ConnectResult#protocolLevel()}: 0 means unknown and always yields null
   */
  public static byte[] forRejection(int protocolLevel, RejectReason reason) {
    Objects.requireNonNull(reason, "reason");
    if (protocolLevel == 0) {
      return null;
    }
    if (protocolLevel == 5) {
      int code = switch (reason) {
        case MALFORMED, MALFORMED_REMAINING_LENGTH -> MALFORMED_PACKET;
        case PROTOCOL_ERROR -> PROTOCOL_ERROR;
        case UNSUPPORTED_PROTOCOL_LEVEL -> UNSUPPORTED_PROTOCOL_VERSION;
        case BAD_CLIENT_ID -> CLIENT_IDENTIFIER_NOT_VALID;
        case TOO_LARGE -> PACKET_TOO_LARGE;
        case NOT_CONNECT, BAD_PROTOCOL_NAME -> NONE;
      };
      return code == NONE ? null : mqtt5(code);
    }
    boolean mqtt3 = protocolLevel == 3 || protocolLevel == 4;
    return switch (reason) {
      case UNSUPPORTED_PROTOCOL_LEVEL -> mqtt3(UNACCEPTABLE_PROTOCOL_VERSION);
      case BAD_CLIENT_ID -> mqtt3 ? mqtt3(IDENTIFIER_REJECTED) : null;
      default -> null;
    };
  }

  /**
   * CONNACK "server unavailable" for a client whose CONNECT was valid but no broker can take: 3.1/3.1.1 return
   * code 0x03, MQTT 5 reason code 0x88. Null for any other level, whose dialect is unknown.
   */
  public static byte[] serverUnavailable(int protocolLevel) {
    return switch (protocolLevel) {
      case 3, 4 -> mqtt3(SERVER_UNAVAILABLE);
      case 5 -> mqtt5(SERVER_UNAVAILABLE_5);
      default -> null;
    };
  }

  /**
   * CONNACK "server busy" for a client that a broker's connect-rate cap did not let through in time:
   * MQTT 5 reason code 0x89 (§3.2.2.2, "the server is busy, try again later"); 3.1/3.1.1 have no busy
   * code, so 0x03 "server unavailable" (§3.2.2.3). Null for any other level, whose dialect is unknown.
   */
  public static byte[] serverBusy(int protocolLevel) {
    return protocolLevel == 5 ? mqtt5(SERVER_BUSY) : serverUnavailable(protocolLevel);
  }

  private static byte[] mqtt3(int returnCode) {
    return new byte[] {CONNACK_FIRST_BYTE, 2, 0, (byte) returnCode};
  }

  private static byte[] mqtt5(int reasonCode) {
    return new byte[] {CONNACK_FIRST_BYTE, 3, 0, (byte) reasonCode, 0};
  }
}
