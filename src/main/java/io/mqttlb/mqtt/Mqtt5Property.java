package io.mqttlb.mqtt;

import java.util.Locale;

/**
 * The MQTT 5 properties a CONNECT may carry (MQTT 5 §3.1.2.11) and those its will may carry (§3.1.3.2), with their
 * encodings (§2.2.2.2). An identifier not listed for where it appears is a Malformed Packet (§2.2.2.2), which is
 * why a lookup answers null rather than guessing a length.
 */
enum Mqtt5Property {
  PAYLOAD_FORMAT_INDICATOR(0x01, Encoding.BYTE, Scope.WILL),
  MESSAGE_EXPIRY_INTERVAL(0x02, Encoding.FOUR_BYTE_INTEGER, Scope.WILL),
  CONTENT_TYPE(0x03, Encoding.UTF8_STRING, Scope.WILL),
  RESPONSE_TOPIC(0x08, Encoding.UTF8_STRING, Scope.WILL),
  CORRELATION_DATA(0x09, Encoding.BINARY_DATA, Scope.WILL),
  SESSION_EXPIRY_INTERVAL(0x11, Encoding.FOUR_BYTE_INTEGER, Scope.CONNECT),
  AUTHENTICATION_METHOD(0x15, Encoding.UTF8_STRING, Scope.CONNECT),
  AUTHENTICATION_DATA(0x16, Encoding.BINARY_DATA, Scope.CONNECT),
  REQUEST_PROBLEM_INFORMATION(0x17, Encoding.BYTE, Scope.CONNECT),
  WILL_DELAY_INTERVAL(0x18, Encoding.FOUR_BYTE_INTEGER, Scope.WILL),
  REQUEST_RESPONSE_INFORMATION(0x19, Encoding.BYTE, Scope.CONNECT),
  RECEIVE_MAXIMUM(0x21, Encoding.TWO_BYTE_INTEGER, Scope.CONNECT),
  TOPIC_ALIAS_MAXIMUM(0x22, Encoding.TWO_BYTE_INTEGER, Scope.CONNECT),
  USER_PROPERTY(0x26, Encoding.UTF8_STRING_PAIR, Scope.BOTH),
  MAXIMUM_PACKET_SIZE(0x27, Encoding.FOUR_BYTE_INTEGER, Scope.CONNECT);

  enum Encoding { BYTE, TWO_BYTE_INTEGER, FOUR_BYTE_INTEGER, UTF8_STRING, BINARY_DATA, UTF8_STRING_PAIR }

  private enum Scope { CONNECT, WILL, BOTH }

  // Indexed by identifier; every identifier used here is below 64, which also lets a long bitmask track repeats.
  private static final Mqtt5Property[] IN_CONNECT = new Mqtt5Property[64];
  private static final Mqtt5Property[] IN_WILL = new Mqtt5Property[64];

  static {
    for (Mqtt5Property property : values()) {
      if (property.scope != Scope.WILL) {
        IN_CONNECT[property.id] = property;
      }
      if (property.scope != Scope.CONNECT) {
        IN_WILL[property.id] = property;
      }
    }
  }

  final int id;
  final Encoding encoding;
  final String label;
  private final Scope scope;

  Mqtt5Property(int id, Encoding encoding, Scope scope) {
    this.id = id;
    this.encoding = encoding;
    this.scope = scope;
    this.label = name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** The CONNECT property with this identifier, or null if a CONNECT may not carry it. */
  static Mqtt5Property inConnect(int id) {
    return id < IN_CONNECT.length ? IN_CONNECT[id] : null;
  }

  /** The will property with this identifier, or null if will properties may not include it. */
  static Mqtt5Property inWill(int id) {
    return id < IN_WILL.length ? IN_WILL[id] : null;
  }

  /** Only User Property may repeat; any other property twice is a Protocol Error (§3.1.2.11, §3.1.3.2). */
  boolean mayRepeat() {
    return this == USER_PROPERTY;
  }

  /** Bytes of this property's value at {@code at}, for values the walk has already checked. */
  int valueLength(byte[] data, int at) {
    return switch (encoding) {
      case BYTE -> 1;
      case TWO_BYTE_INTEGER -> 2;
      case FOUR_BYTE_INTEGER -> 4;
      case UTF8_STRING, BINARY_DATA -> 2 + unsignedShort(data, at);
      case UTF8_STRING_PAIR -> {
        int first = 2 + unsignedShort(data, at);
        yield first + 2 + unsignedShort(data, at + first);
      }
    };
  }

  static int unsignedShort(byte[] data, int at) {
    return (data[at] & 0xFF) << 8 | data[at + 1] & 0xFF;
  }
}
