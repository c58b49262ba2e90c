package io.mqttlb.mqtt;

import static io.mqttlb.mqtt.Mqtt5Property.unsignedShort;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One front-to-back walk over the variable header and payload of a CONNECT whose fixed header has been read.
 * Single use and not thread-safe; {@link ConnectParser} makes one per call.
 *
 * <p>Two ends bound every read. {@code limit} is where the current structure ends as declared: the packet's
 * Remaining Length, or an MQTT 5 property block's length. {@code received} is where the caller's bytes end. A read
 * is checked against {@code limit} first, so a field that cannot fit is MALFORMED at once, and only then against
 * {@code received}, so a field that has merely not arrived is NEED_MORE. Because the walk stops at the first
 * problem or the first missing byte, the answer for any prefix of the input is NEED_MORE or the answer for the
 * whole input, and no byte at or past the declared end is ever looked at.
 *
 * <p>Strings are located and checked during the walk but only decoded once the whole CONNECT has arrived and
 * passed, so NEED_MORE and INVALID allocate nothing but a rejection's detail.
 */
final class ConnectWalk {

  private static final int MQTT_3_1 = 3;
  private static final int MQTT_3_1_1 = 4;
  private static final int MQTT_5 = 5;
  private static final int BRIDGE_BIT = 0x80;

  // The protocol name as it appears on the wire, length prefix included (3.1.1 §3.1.2.1, MQTT 5 §3.1.2.1).
  private static final byte[] MQTT = {0, 4, 'M', 'Q', 'T', 'T'};
  private static final byte[] MQISDP = {0, 6, 'M', 'Q', 'I', 's', 'd', 'p'};

  // Connect Flags bits (3.1.1 §3.1.2.3, MQTT 5 §3.1.2.3).
  private static final int RESERVED = 0x01;
  private static final int CLEAN_SESSION = 0x02;
  private static final int WILL_FLAG = 0x04;
  private static final int WILL_QOS_SHIFT = 3;
  private static final int WILL_RETAIN = 0x20;
  private static final int PASSWORD_FLAG = 0x40;
  private static final int USER_NAME_FLAG = 0x80;

  private static final int VARIABLE_BYTE_INTEGER_MAX_BYTES = 4;

  private final byte[] data;
  private final int packetStart;
  private final int packetEnd;
  private final int received;
  private int limit;
  private boolean inPropertyBlock;
  private int pos;
  private ConnectResult stop;

  private byte[] protocolName;
  private int protocolLevel;
  private int flags;
  private int keepAliveSeconds;
  private long sessionExpiryInterval = -1;
  private int connectPropertiesStart;
  private int connectPropertiesEnd;
  private boolean hasUserProperties;
  private int clientIdStart;
  private int clientIdLength;
  private int userNameStart = -1;
  private int userNameLength;
  // Where the last string read by readUtf8String lies.
  private int stringStart;
  private int stringLength;

  /**
   * @param bodyStart index of the first byte after the fixed header
   * @param packetEnd exclusive end of the packet as the Remaining Length declares it
   * @param received exclusive end of the bytes the caller has
   */
  ConnectWalk(byte[] data, int packetStart, int bodyStart, int packetEnd, int received) {
    this.data = data;
    this.packetStart = packetStart;
    this.packetEnd = packetEnd;
    this.received = received;
    this.limit = packetEnd;
    this.pos = bodyStart;
  }

  ConnectResult run() {
    boolean complete = readProtocolName()
        && readProtocolLevel()
        && readConnectFlags()
        && readKeepAlive()
        && (protocolLevel != MQTT_5 || readProperties(false))
        && readClientId()
        && (!has(WILL_FLAG) || readWill())
        && (!has(USER_NAME_FLAG) || readUserName())
        && (!has(PASSWORD_FLAG) || skipBinary("password"))
        && expectEnd();
    return complete ? ConnectResult.valid(info()) : stop;
  }

  private boolean readProtocolName() {
    // Byte by byte, so that a wrong name is refused at its first wrong byte; the length's low byte says which
    // of the two names to expect.
    byte[] expected = MQTT;
    for (int i = 0; i < expected.length; i++) {
      if (!have(1, "protocol name")) {
        return false;
      }
      if (i == 1 && data[pos] == MQISDP[1]) {
        expected = MQISDP;
      }
      if (data[pos] != expected[i]) {
        return reject(RejectReason.BAD_PROTOCOL_NAME,
            "protocol name is neither \"MQTT\" nor \"MQIsdp\" (byte " + i + " of the name field is 0x"
                + hex(data[pos]) + ")");
      }
      pos++;
    }
    protocolName = expected;
    return true;
  }

  private boolean readProtocolLevel() {
    if (!have(1, "protocol level")) {
      return false;
    }
    protocolLevel = data[pos++] & 0xFF;
    // A Mosquitto bridge with try_private (its default) sets bit 7 of a 3.1 or 3.1.1 level to tell a
    // Mosquitto broker that it is a bridge. Such a CONNECT routes like its plain level; the byte is
    // relayed unchanged, so the broker still sees the flag and decides.
    if (protocolLevel == (BRIDGE_BIT | MQTT_3_1) || protocolLevel == (BRIDGE_BIT | MQTT_3_1_1)) {
      protocolLevel &= ~BRIDGE_BIT;
    }
    boolean matchesName = protocolName == MQISDP
        ? protocolLevel == MQTT_3_1
        : protocolLevel == MQTT_3_1_1 || protocolLevel == MQTT_5;
    if (!matchesName) {
      return reject(RejectReason.UNSUPPORTED_PROTOCOL_LEVEL,
          "protocol level " + protocolLevel + " with name \"" + protocolName() + "\"; supported are"
              + " \"MQIsdp\" 3, \"MQTT\" 4 and \"MQTT\" 5");
    }
    return true;
  }

  private boolean readConnectFlags() {
    if (!have(1, "connect flags")) {
      return false;
    }
    flags = data[pos++] & 0xFF;
    boolean mqtt5 = protocolLevel == MQTT_5;
    if (has(RESERVED)) {
      // 3.1.1 [MQTT-3.1.2-3] says disconnect; MQTT 5 §3.1.2.3 names it a Malformed Packet.
      return reject(mqtt5 ? RejectReason.MALFORMED : RejectReason.PROTOCOL_ERROR,
          "reserved connect flag (bit 0) is set");
    }
    int willQos = willQos();
    if (willQos == 3) {
      // 3.1.1 §3.1.2.6 forbids it; MQTT 5 §3.1.2.6 names it a Malformed Packet.
      return reject(mqtt5 ? RejectReason.MALFORMED : RejectReason.PROTOCOL_ERROR, "will QoS is 3");
    }
    if (!has(WILL_FLAG) && (willQos != 0 || has(WILL_RETAIN))) {
      // 3.1.1 §3.1.2.5-§3.1.2.7, MQTT 5 §3.1.2.6-§3.1.2.7: both must be 0 without a will.
      return reject(RejectReason.PROTOCOL_ERROR, "will QoS or will retain set without the will flag");
    }
    if (!mqtt5 && has(PASSWORD_FLAG) && !has(USER_NAME_FLAG)) {
      // 3.1.1 [MQTT-3.1.2-22], and 3.1 pairs them the same way; MQTT 5 §3.1.2.9 allows a password alone.
      return reject(RejectReason.PROTOCOL_ERROR, "password flag set without the user name flag");
    }
    return true;
  }

  private boolean readKeepAlive() {
    if (!have(2, "keep alive")) {
      return false;
    }
    keepAliveSeconds = unsignedShort(data, pos);
    pos += 2;
    return true;
  }

  /** An MQTT 5 property block: CONNECT properties (§3.1.2.11) or, with {@code will}, will properties (§3.1.3.2). */
  private boolean readProperties(boolean will) {
    int length = readVariableByteInteger(will ? "will property length" : "property length");
    if (length < 0) {
      return false;
    }
    if (length > limit - pos) {
      return reject(RejectReason.MALFORMED, (will ? "will property length " : "property length ") + length
          + " runs past the remaining length");
    }
    int blockEnd = pos + length;
    if (!will) {
      connectPropertiesStart = pos;
      connectPropertiesEnd = blockEnd;
    }
    limit = blockEnd;
    inPropertyBlock = true;
    long seen = 0;
    while (pos < blockEnd) {
      if (!have(1, "property identifier")) {
        return false;
      }
      int id = data[pos++] & 0xFF;
      Mqtt5Property property = will ? Mqtt5Property.inWill(id) : Mqtt5Property.inConnect(id);
      if (property == null) {
        return reject(RejectReason.MALFORMED, "property 0x" + hex(id) + " is not allowed in "
            + (will ? "will properties" : "CONNECT properties") + " (MQTT 5 §2.2.2.2)");
      }
      long bit = 1L << id;
      if ((seen & bit) != 0 && !property.mayRepeat()) {
        return reject(RejectReason.PROTOCOL_ERROR, property.label + " appears more than once");
      }
      seen |= bit;
      if (!readPropertyValue(property, will)) {
        return false;
      }
    }
    limit = packetEnd;
    inPropertyBlock = false;
    long authenticationData = 1L << Mqtt5Property.AUTHENTICATION_DATA.id;
    long authenticationMethod = 1L << Mqtt5Property.AUTHENTICATION_METHOD.id;
    if (!will && (seen & authenticationData) != 0 && (seen & authenticationMethod) == 0) {
      // MQTT 5 §3.1.2.11.10
      return reject(RejectReason.PROTOCOL_ERROR, "authentication data without an authentication method");
    }
    return true;
  }

  private boolean readPropertyValue(Mqtt5Property property, boolean will) {
    switch (property.encoding) {
      case BYTE -> {
        if (!have(1, property.label)) {
          return false;
        }
        int value = data[pos++] & 0xFF;
        // MQTT 5 §3.1.2.11.6, §3.1.2.11.7: "a value other than 0 or 1" is a Protocol Error. The will's Payload
        // Format Indicator has no such sentence, so any value is left to the broker.
        boolean zeroOrOne = property == Mqtt5Property.REQUEST_PROBLEM_INFORMATION
            || property == Mqtt5Property.REQUEST_RESPONSE_INFORMATION;
        if (zeroOrOne && value > 1) {
          return reject(RejectReason.PROTOCOL_ERROR, property.label + " is " + value + ", not 0 or 1");
        }
        return true;
      }
      case TWO_BYTE_INTEGER -> {
        if (!have(2, property.label)) {
          return false;
        }
        int value = unsignedShort(data, pos);
        pos += 2;
        if (property == Mqtt5Property.RECEIVE_MAXIMUM && value == 0) {
          return reject(RejectReason.PROTOCOL_ERROR, "receive maximum is 0 (MQTT 5 §3.1.2.11.3)");
        }
        return true;
      }
      case FOUR_BYTE_INTEGER -> {
        if (!have(4, property.label)) {
          return false;
        }
        long value = (long) unsignedShort(data, pos) << 16 | unsignedShort(data, pos + 2);
        pos += 4;
        if (property == Mqtt5Property.MAXIMUM_PACKET_SIZE && value == 0) {
          return reject(RejectReason.PROTOCOL_ERROR, "maximum packet size is 0 (MQTT 5 §3.1.2.11.4)");
        }
        if (property == Mqtt5Property.SESSION_EXPIRY_INTERVAL) {
          sessionExpiryInterval = value;
        }
        return true;
      }
      case UTF8_STRING -> {
        return readUtf8String(property.label);
      }
      case BINARY_DATA -> {
        return skipBinary(property.label);
      }
      case UTF8_STRING_PAIR -> {
        if (!will) {
          hasUserProperties = true;
        }
        return readUtf8String("user property name") && readUtf8String("user property value");
      }
    }
    throw new AssertionError(property);
  }

  private boolean readClientId() {
    if (!readUtf8String("client identifier")) {
      return false;
    }
    clientIdStart = stringStart;
    clientIdLength = stringLength;
    if (clientIdLength > 0) {
      return true;
    }
    // Only what every server must refuse is refused here. Length limits and character sets are the broker's
    // to choose (3.1.1 §3.1.3.1 lets servers accept more), and an MQTT 5 server may assign an id for any empty
    // one (MQTT 5 §3.1.3.1), so those pass.
    if (protocolLevel == MQTT_3_1_1 && !has(CLEAN_SESSION)) {
      return reject(RejectReason.BAD_CLIENT_ID,
          "empty client identifier without clean session [MQTT-3.1.3-8]");
    }
    if (protocolLevel == MQTT_3_1) {
      // MQTT 3.1 has no server-assigned identifiers: an id is 1 to 23 characters.
      return reject(RejectReason.BAD_CLIENT_ID, "empty client identifier in MQTT 3.1");
    }
    return true;
  }

  /** Will properties (MQTT 5 only), Will Topic, Will Payload: 3.1.1 §3.1.3.2-§3.1.3.3, MQTT 5 §3.1.3.2-§3.1.3.4. */
  private boolean readWill() {
    return (protocolLevel != MQTT_5 || readProperties(true))
        && readUtf8String("will topic")
        && skipBinary("will payload");
  }

  private boolean readUserName() {
    if (!readUtf8String("user name")) {
      return false;
    }
    userNameStart = stringStart;
    userNameLength = stringLength;
    return true;
  }

  private boolean expectEnd() {
    if (pos != packetEnd) {
      return reject(RejectReason.MALFORMED,
          (packetEnd - pos) + " bytes follow the last field inside the remaining length");
    }
    return true;
  }

  /** A UTF-8 Encoded String (3.1.1 §1.5.3, MQTT 5 §1.5.4), checked as far as it has arrived. */
  private boolean readUtf8String(String field) {
    if (!have(2, field)) {
      return false;
    }
    int length = unsignedShort(data, pos);
    pos += 2;
    if (length > limit - pos) {
      return runsPast(field);
    }
    int end = pos + length;
    int checkedEnd = MqttUtf8.validPrefixEnd(data, pos, Math.min(end, received));
    if (checkedEnd == MqttUtf8.MALFORMED) {
      return reject(RejectReason.MALFORMED, field + " is not well-formed UTF-8 or contains U+0000");
    }
    if (end > received) {
      return needMore();
    }
    if (checkedEnd != end) {
      return reject(RejectReason.MALFORMED, field + " ends inside a UTF-8 sequence");
    }
    stringStart = pos;
    stringLength = length;
    pos = end;
    return true;
  }

  /** Binary Data (MQTT 5 §1.5.6; the 3.x will message and password have the same shape). */
  private boolean skipBinary(String field) {
    if (!have(2, field)) {
      return false;
    }
    int length = unsignedShort(data, pos);
    pos += 2;
    if (!have(length, field)) {
      return false;
    }
    pos += length;
    return true;
  }

  /**
   * A Variable Byte Integer (MQTT 5 §1.5.5). Non-minimal encodings are accepted: they are unambiguous, so refusing
   * them is the broker's call. Returns -1 when the walk stops.
   */
  private int readVariableByteInteger(String field) {
    int value = 0;
    for (int i = 0; i < VARIABLE_BYTE_INTEGER_MAX_BYTES; i++) {
      if (!have(1, field)) {
        return -1;
      }
      int b = data[pos++] & 0xFF;
      value |= (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    reject(RejectReason.MALFORMED, field + " is longer than four bytes");
    return -1;
  }

  /** True when {@code n} more bytes of the current structure are here; otherwise records why the walk stops. */
  private boolean have(int n, String field) {
    if (n > limit - pos) {
      return runsPast(field);
    }
    if (n > received - pos) {
      return needMore();
    }
    return true;
  }

  private boolean runsPast(String field) {
    return reject(RejectReason.MALFORMED,
        field + " runs past the " + (inPropertyBlock ? "property length" : "remaining length"));
  }

  private boolean needMore() {
    stop = ConnectResult.needMore();
    return false;
  }

  private boolean reject(RejectReason reason, String detail) {
    stop = ConnectResult.invalid(reason, detail, protocolLevel);
    return false;
  }

  private boolean has(int flag) {
    return (flags & flag) != 0;
  }

  private int willQos() {
    return flags >> WILL_QOS_SHIFT & 3;
  }

  private String protocolName() {
    return protocolName == MQISDP ? "MQIsdp" : "MQTT";
  }

  /** Decodes what the walk located; runs once, after the whole CONNECT has arrived and passed. */
  private ConnectInfo info() {
    return new ConnectInfo(
        protocolName(),
        protocolLevel,
        new String(data, clientIdStart, clientIdLength, UTF_8),
        userNameStart < 0 ? null : new String(data, userNameStart, userNameLength, UTF_8),
        has(PASSWORD_FLAG),
        has(CLEAN_SESSION),
        keepAliveSeconds,
        sessionExpiryInterval,
        has(WILL_FLAG),
        willQos(),
        has(WILL_RETAIN),
        hasUserProperties ? userProperties() : List.of(),
        packetEnd - packetStart);
  }

  /** Re-walks the CONNECT property block, already checked, for its User Properties in wire order. */
  private List<UserProperty> userProperties() {
    List<UserProperty> found = new ArrayList<>();
    int at = connectPropertiesStart;
    while (at < connectPropertiesEnd) {
      Mqtt5Property property = Mqtt5Property.inConnect(data[at++] & 0xFF);
      if (property == Mqtt5Property.USER_PROPERTY) {
        int nameLength = unsignedShort(data, at);
        int valueAt = at + 2 + nameLength;
        found.add(new UserProperty(
            new String(data, at + 2, nameLength, UTF_8),
            new String(data, valueAt + 2, unsignedShort(data, valueAt), UTF_8)));
      }
      at += property.valueLength(data, at);
    }
    return found;
  }

  private static String hex(int b) {
    String digits = Integer.toHexString(b & 0xFF).toUpperCase(Locale.ROOT);
    return digits.length() == 1 ? "0" + digits : digits;
  }
}
