package io.mqttlb.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Annotated CONNECT vectors for MQTT 3.1, 3.1.1 and 5, each checked whole, at every split position, followed by a
 * pipelined packet, and inside a larger buffer. In invalid vectors {@code >} marks the byte whose arrival must turn
 * NEED_MORE into INVALID: no earlier (the bytes before it are a possible CONNECT) and no later.
 */
class ConnectParserGoldenTest {

  private static final ConnectParser PARSER = new ConnectParser(ConnectParser.DEFAULT_MAX_CONNECT_BYTES);

  /** A golden CONNECT and what parsing it whole must answer. */
  record Vector(String name, byte[] bytes, ConnectInfo expectedInfo, RejectReason expectedReason,
      int expectedLevel, int decidedAt) {

    boolean valid() {
      return expectedInfo != null;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Vector valid(String name, String hex, ConnectInfo expected) {
    AnnotatedHex.Parsed parsed = AnnotatedHex.parse(hex);
    return new Vector(name, parsed.bytes(), expected, null, expected.protocolLevel(), parsed.bytes().length);
  }

  static Vector invalid(String name, String hex, RejectReason reason, int level) {
    AnnotatedHex.Parsed parsed = AnnotatedHex.parse(hex);
    if (parsed.markedIndex() < 0) {
      throw new IllegalArgumentException(name + ": mark the deciding byte with '>'");
    }
    return new Vector(name, parsed.bytes(), null, reason, level, parsed.markedIndex() + 1);
  }

  private static ConnectInfo info(String name, int level, String clientId, String username, boolean hasPassword,
      boolean clean, int keepAlive, long sessionExpiry, boolean will, int willQos, boolean willRetain,
      List<UserProperty> userProperties, int packetLength) {
    return new ConnectInfo(name, level, clientId, username, hasPassword, clean, keepAlive, sessionExpiry, will,
        willQos, willRetain, userProperties, packetLength);
  }

  static final List<Vector> VALID = List.of(
      valid("3.1.1 minimal", """
          10                  # CONNECT, flags 0
          0D                  # remaining length 13
          00 04 4D 51 54 54   # protocol name "MQTT"
          04                  # level 4 (3.1.1)
          02                  # flags: clean session
          00 3C               # keep alive 60
          00 01 61            # client id "a"
          """,
          info("MQTT", 4, "a", null, false, true, 60, -1, false, 0, false, List.of(), 15)),

      valid("3.1.1 from a Mosquitto bridge (try_private)", """
          10 0D               # CONNECT, remaining length 13
          00 04 4D 51 54 54   # "MQTT"
          84                  # level 4 with bit 7 set: a bridge; routed as 3.1.1
          02                  # flags: clean session
          00 3C               # keep alive 60
          00 01 61            # client id "a"
          """,
          info("MQTT", 4, "a", null, false, true, 60, -1, false, 0, false, List.of(), 15)),

      valid("3.1 from a Mosquitto bridge (try_private)", """
          10 0F               # CONNECT, remaining length 15
          00 06 4D 51 49 73 64 70   # "MQIsdp"
          83                  # level 3 with bit 7 set: a bridge; routed as 3.1
          02                  # flags: clean session
          00 3C               # keep alive 60
          00 01 62            # client id "b"
          """,
          info("MQIsdp", 3, "b", null, false, true, 60, -1, false, 0, false, List.of(), 17)),

      valid("3.1.1 empty client id with clean session", """
          10 0C               # CONNECT, remaining length 12
          00 04 4D 51 54 54   # "MQTT"
          04                  # level 4
          02                  # flags: clean session, so the server may assign an id [MQTT-3.1.3-6]
          00 3C               # keep alive 60
          00 00               # client id "" (length 0)
          """,
          info("MQTT", 4, "", null, false, true, 60, -1, false, 0, false, List.of(), 14)),

      valid("3.1.1 persistent session, user name and password", """
          10 1D               # CONNECT, remaining length 29
          00 04 4D 51 54 54   # "MQTT"
          04                  # level 4
          C0                  # flags: user name, password; clean session 0
          00 00               # keep alive 0 (off)
          00 05 64 65 76 2D 31  # client id "dev-1"
          00 05 61 6C 69 63 65  # user name "alice"
          00 03 01 02 FF      # password, binary
          """,
          info("MQTT", 4, "dev-1", "alice", true, false, 0, -1, false, 0, false, List.of(), 31)),

      valid("3.1.1 will QoS 1 retained, user name and password", """
          10 24               # CONNECT, remaining length 36
          00 04 4D 51 54 54   # "MQTT"
          04                  # level 4
          EE                  # flags: user name, password, will retain, will QoS 1, will, clean session
          00 1E               # keep alive 30
          00 06 73 65 6E 73 6F 72  # client id "sensor"
          00 05 73 74 2F 73 31     # will topic "st/s1"
          00 03 6F 66 66           # will message "off"
          00 01 75                 # user name "u"
          00 01 70                 # password "p"
          """,
          info("MQTT", 4, "sensor", "u", true, true, 30, -1, true, 1, true, List.of(), 38)),

      valid("3.1.1 multi-byte UTF-8 client id", """
          10 15               # CONNECT, remaining length 21
          00 04 4D 51 54 54   # "MQTT"
          04 02 00 3C         # level 4, clean session, keep alive 60
          00 09               # client id, 9 bytes:
          C3 BC               #   U+00FC
          E2 82 AC            #   U+20AC
          F0 9F 98 80         #   U+1F600, four bytes
          """,
          info("MQTT", 4, "\u00FC\u20AC\uD83D\uDE00", null, false, true, 60, -1, false, 0, false, List.of(),
              23)),

      valid("3.1.1 two-byte remaining length", """
          10 D4 01            # CONNECT, remaining length 212 = 0x54 + 1 * 128
          00 04 4D 51 54 54   # "MQTT"
          04 02 00 3C         # level 4, clean session, keep alive 60
          00 C8               # client id, 200 bytes of "a":
          """ + "61 ".repeat(200),
          info("MQTT", 4, "a".repeat(200), null, false, true, 60, -1, false, 0, false, List.of(), 215)),

      valid("3.1.1 non-minimal remaining length passes (unambiguous; 3.1.1 does not forbid it)", """
          10 8D 00            # CONNECT, remaining length 13 spelled in two bytes
          00 04 4D 51 54 54   # "MQTT"
          04 02 00 3C         # level 4, clean session, keep alive 60
          00 01 61            # client id "a"
          """,
          info("MQTT", 4, "a", null, false, true, 60, -1, false, 0, false, List.of(), 16)),

      valid("3.1 minimal", """
          10 18               # CONNECT, remaining length 24
          00 06 4D 51 49 73 64 70  # protocol name "MQIsdp"
          03                  # level 3 (3.1)
          02                  # flags: clean session
          00 3C               # keep alive 60
          00 0A 70 61 68 6F 2F 31 32 33 34 35  # client id "paho/12345"
          """,
          info("MQIsdp", 3, "paho/12345", null, false, true, 60, -1, false, 0, false, List.of(), 26)),

      valid("3.1 will QoS 2, user name and password", """
          10 1E               # CONNECT, remaining length 30
          00 06 4D 51 49 73 64 70  # "MQIsdp"
          03                  # level 3
          D6                  # flags: user name, password, will QoS 2, will, clean session
          00 0A               # keep alive 10
          00 01 63            # client id "c"
          00 01 74            # will topic "t"
          00 03 62 79 65      # will message "bye"
          00 01 75            # user name "u"
          00 02 70 77         # password "pw"
          """,
          info("MQIsdp", 3, "c", "u", true, true, 10, -1, true, 2, false, List.of(), 32)),

      valid("3.1 client id over 23 characters passes (brokers commonly allow more)", """
          10 26               # CONNECT, remaining length 38
          00 06 4D 51 49 73 64 70  # "MQIsdp"
          03 02 00 3C         # level 3, clean session, keep alive 60
          00 18               # client id, 24 bytes: "abcdefghijklmnopqrstuvwx"
          61 62 63 64 65 66 67 68 69 6A 6B 6C 6D 6E 6F 70 71 72 73 74 75 76 77 78
          """,
          info("MQIsdp", 3, "abcdefghijklmnopqrstuvwx", null, false, true, 60, -1, false, 0, false, List.of(), 40)),

      valid("5 minimal", """
          10 0E               # CONNECT, remaining length 14
          00 04 4D 51 54 54   # "MQTT"
          05                  # level 5
          02                  # flags: clean start
          00 3C               # keep alive 60
          00                  # property length 0
          00 01 61            # client id "a"
          """,
          info("MQTT", 5, "a", null, false, true, 60, -1, false, 0, false, List.of(), 16)),

      valid("5 clean start with session expiry 0", """
          10 13               # CONNECT, remaining length 19
          00 04 4D 51 54 54   # "MQTT"
          05 02 00 3C         # level 5, clean start, keep alive 60
          05                  # property length 5
          11 00 00 00 00      #   session expiry interval 0, written out: the session ends with the connection
          00 01 61            # client id "a"
          """,
          info("MQTT", 5, "a", null, false, true, 60, 0, false, 0, false, List.of(), 21)),

      valid("5 clean start with session expiry 300", """
          10 13               # CONNECT, remaining length 19
          00 04 4D 51 54 54   # "MQTT"
          05 02 00 3C         # level 5, clean start, keep alive 60
          05                  # property length 5
          11 00 00 01 2C      #   session expiry interval 300: a new session that outlives the connection
          00 01 62            # client id "b"
          """,
          info("MQTT", 5, "b", null, false, true, 60, 300, false, 0, false, List.of(), 21)),

      valid("5 every numeric CONNECT property", """
          10 24               # CONNECT, remaining length 36
          00 04 4D 51 54 54   # "MQTT"
          05 00 00 3C         # level 5, flags 0 (clean start 0), keep alive 60
          14                  # property length 20
          11 00 00 0E 10      #   session expiry interval 3600
          21 00 14            #   receive maximum 20
          27 00 01 00 00      #   maximum packet size 65536
          22 00 0A            #   topic alias maximum 10
          19 01               #   request response information 1
          17 00               #   request problem information 0
          00 03 63 69 64      # client id "cid"
          """,
          info("MQTT", 5, "cid", null, false, false, 60, 3600, false, 0, false, List.of(), 38)),

      valid("5 user properties and session expiry", """
          10 3A               # CONNECT, remaining length 58
          00 04 4D 51 54 54   # "MQTT"
          05 02 00 3C         # level 5, clean start, keep alive 60
          2C                  # property length 44
          11 FF FF FF FF      #   session expiry 0xFFFFFFFF: never expires, read unsigned
          26 00 06 72 65 67 69 6F 6E 00 07 65 75 2D 77 65 73 74  # user property "region" = "eu-west"
          26 00 04 7A 6F 6E 65 00 01 61                          # user property "zone" = "a"
          26 00 06 72 65 67 69 6F 6E 00 00                       # user property "region" = "" (names repeat)
          00 01 61            # client id "a"
          """,
          info("MQTT", 5, "a", null, false, true, 60, 4294967295L, false, 0, false,
              List.of(new UserProperty("region", "eu-west"), new UserProperty("zone", "a"),
                  new UserProperty("region", "")), 60)),

      valid("5 will with every will property, user name and password", """
          10 48               # CONNECT, remaining length 72
          00 04 4D 51 54 54   # "MQTT"
          05                  # level 5
          EE                  # flags: user name, password, will retain, will QoS 1, will, clean start
          00 3C               # keep alive 60
          00                  # property length 0
          00 01 77            # client id "w"
          25                  # will property length 37
          18 00 00 00 0A      #   will delay interval 10
          01 01               #   payload format indicator: UTF-8
          02 00 00 00 3C      #   message expiry interval 60
          03 00 04 74 65 78 74  # content type "text"
          08 00 03 72 2F 31   #   response topic "r/1"
          09 00 02 AB CD      #   correlation data
          26 00 01 6B 00 01 76  # user property "k" = "v" (the will's, not the CONNECT's)
          00 03 77 2F 74      # will topic "w/t"
          00 04 67 6F 6E 65   # will payload "gone"
          00 03 62 6F 62      # user name "bob"
          00 02 73 33         # password
          """,
          info("MQTT", 5, "w", "bob", true, true, 60, -1, true, 1, true, List.of(), 74)),

      valid("5 empty client id without clean start passes (the server assigns or refuses it)", """
          10 0D               # CONNECT, remaining length 13
          00 04 4D 51 54 54   # "MQTT"
          05 00 00 00         # level 5, flags 0, keep alive 0
          00                  # property length 0
          00 00               # client id ""
          """,
          info("MQTT", 5, "", null, false, false, 0, -1, false, 0, false, List.of(), 15)),

      valid("5 authentication data before its method", """
          10 1C               # CONNECT, remaining length 28
          00 04 4D 51 54 54   # "MQTT"
          05 02 00 3C         # level 5, clean start, keep alive 60
          0E                  # property length 14
          16 00 03 01 02 03   #   authentication data (order within the block is free)
          15 00 05 53 43 52 41 4D  # authentication method "SCRAM"
          00 01 61            # client id "a"
          """,
          info("MQTT", 5, "a", null, false, true, 60, -1, false, 0, false, List.of(), 30)),

      valid("5 password without user name (MQTT 5 §3.1.2.9 allows it)", """
          10 13               # CONNECT, remaining length 19
          00 04 4D 51 54 54   # "MQTT"
          05 42 00 3C         # level 5, flags: password, clean start; keep alive 60
          00                  # property length 0
          00 01 61            # client id "a"
          00 03 01 02 03      # password
          """,
          info("MQTT", 5, "a", null, true, true, 60, -1, false, 0, false, List.of(), 21)));

  static final List<Vector> INVALID = List.of(
      invalid("HTTP request", """
          >47 45 54 20 2F 20   # "GET / ": 0x47 is no MQTT packet type 1
          48 54 54 50 2F 31 2E 31 0D 0A
          """, RejectReason.NOT_CONNECT, 0),

      invalid("CONNECT with reserved fixed-header flags", """
          >12                 # type 1, flags 0010: must be 0000 [MQTT-2.2.2-2]
          0D 00 04 4D 51 54 54 04 02 00 3C 00 01 61
          """, RejectReason.NOT_CONNECT, 0),

      invalid("PUBLISH first", """
          >30 05 00 01 74 68 69   # PUBLISH "t" "hi"
          """, RejectReason.NOT_CONNECT, 0),

      invalid("remaining length longer than four bytes", """
          10                  # CONNECT
          FF FF FF >FF        # the fourth length byte still continues
          7F
          """, RejectReason.MALFORMED_REMAINING_LENGTH, 0),

      invalid("too large, decided from the fixed header alone", """
          10                  # CONNECT
          FF FF >03           # remaining length 65535: 4 + 65535 > 65536
          """, RejectReason.TOO_LARGE, 0),

      invalid("protocol name MQTX", """
          10 0D 00 04 4D 51 54 >58   # "MQTX"
          04 02 00 3C 00 01 61
          """, RejectReason.BAD_PROTOCOL_NAME, 0),

      invalid("protocol name length 5", """
          10 0E 00 >05        # neither 4 ("MQTT") nor 6 ("MQIsdp")
          4D 51 54 54 54 04 02 00 3C 00 01 61
          """, RejectReason.BAD_PROTOCOL_NAME, 0),

      invalid("protocol name in lower case", """
          10 0D 00 04 >6D 71 74 74   # "mqtt"
          04 02 00 3C 00 01 61
          """, RejectReason.BAD_PROTOCOL_NAME, 0),

      invalid("level 6", """
          10 0D 00 04 4D 51 54 54   # "MQTT"
          >06                 # level 6
          02 00 3C 00 01 61
          """, RejectReason.UNSUPPORTED_PROTOCOL_LEVEL, 6),

      invalid("MQTT 5 with the bridge bit", """
          10 0E 00 04 4D 51 54 54   # "MQTT"
          >85                 # bit 7 on level 5: no broker defines it
          02 00 3C 00 00 01 61
          """, RejectReason.UNSUPPORTED_PROTOCOL_LEVEL, 0x85),

      invalid("MQIsdp with level 4", """
          10 0F 00 06 4D 51 49 73 64 70   # "MQIsdp"
          >04                 # only level 3 goes with "MQIsdp"
          02 00 3C 00 01 61
          """, RejectReason.UNSUPPORTED_PROTOCOL_LEVEL, 4),

      invalid("MQTT with level 3", """
          10 0D 00 04 4D 51 54 54   # "MQTT"
          >03                 # level 3 goes with "MQIsdp"
          02 00 3C 00 01 61
          """, RejectReason.UNSUPPORTED_PROTOCOL_LEVEL, 3),

      invalid("3.1.1 reserved connect flag", """
          10 0D 00 04 4D 51 54 54 04
          >03                 # flags: clean session + reserved bit 0 [MQTT-3.1.2-3]
          00 3C 00 01 61
          """, RejectReason.PROTOCOL_ERROR, 4),

      invalid("5 reserved connect flag is a Malformed Packet (MQTT 5 §3.1.2.3)", """
          10 0E 00 04 4D 51 54 54 05
          >01                 # flags: reserved bit 0
          00 3C 00 00 01 61
          """, RejectReason.MALFORMED, 5),

      invalid("3.1.1 will QoS 3", """
          10 13 00 04 4D 51 54 54 04
          >1E                 # flags: will QoS 3, will, clean session
          00 3C 00 01 61 00 01 74 00 01 6D
          """, RejectReason.PROTOCOL_ERROR, 4),

      invalid("5 will QoS 3 is a Malformed Packet (MQTT 5 §3.1.2.6)", """
          10 14 00 04 4D 51 54 54 05
          >1E                 # flags: will QoS 3, will, clean start
          00 3C 00 00 01 61 00 00 01 74 00 01 6D
          """, RejectReason.MALFORMED, 5),

      invalid("will retain without will flag", """
          10 0D 00 04 4D 51 54 54 04
          >22                 # flags: will retain, clean session; no will
          00 3C 00 01 61
          """, RejectReason.PROTOCOL_ERROR, 4),

      invalid("3.1.1 password without user name", """
          10 10 00 04 4D 51 54 54 04
          >42                 # flags: password, clean session [MQTT-3.1.2-22]
          00 3C 00 01 61 00 01 70
          """, RejectReason.PROTOCOL_ERROR, 4),

      invalid("3.1 password without user name", """
          10 12 00 06 4D 51 49 73 64 70 03
          >42                 # flags: password, clean session
          00 3C 00 01 61 00 01 70
          """, RejectReason.PROTOCOL_ERROR, 3),

      invalid("3.1.1 empty client id without clean session", """
          10 0C 00 04 4D 51 54 54 04
          00                  # flags: clean session 0
          00 3C
          00 >00              # client id "": must be refused [MQTT-3.1.3-8]
          """, RejectReason.BAD_CLIENT_ID, 4),

      invalid("3.1 empty client id", """
          10 0E 00 06 4D 51 49 73 64 70 03 02 00 3C
          00 >00              # client id "": 3.1 ids are 1 to 23 characters
          """, RejectReason.BAD_CLIENT_ID, 3),

      invalid("client id absent", """
          10 0A               # remaining length 10: ends after keep alive
          00 04 4D 51 54 54 04 02
          00 >3C              # keep alive; no room left for the client id's length
          """, RejectReason.MALFORMED, 4),

      invalid("client id longer than the remaining length", """
          10 0D 00 04 4D 51 54 54 04 02 00 3C
          00 >05              # client id of 5 bytes, but only 1 is left
          61
          """, RejectReason.MALFORMED, 4),

      invalid("client id with overlong UTF-8", """
          10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02
          >C0 80              # overlong U+0000
          """, RejectReason.MALFORMED, 4),

      invalid("client id with U+0000", """
          10 0F 00 04 4D 51 54 54 04 02 00 3C 00 03
          61 >00 62           # "a\\0b" [MQTT-1.5.3-2]
          """, RejectReason.MALFORMED, 4),

      invalid("client id with a surrogate", """
          10 0F 00 04 4D 51 54 54 04 02 00 3C 00 03
          ED >A0 80           # U+D800 [MQTT-1.5.3-1]
          """, RejectReason.MALFORMED, 4),

      invalid("client id ending inside a UTF-8 sequence", """
          10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02
          61 >E2              # a three-byte lead as the string's last byte
          """, RejectReason.MALFORMED, 4),

      invalid("bytes after the last field", """
          10 0F 00 04 4D 51 54 54 04 02 00 3C
          00 01 >61           # client id "a" is the last field, yet 2 bytes remain
          FF FF
          """, RejectReason.MALFORMED, 4),

      invalid("will flag without will payload", """
          10 10 00 04 4D 51 54 54 04
          06                  # flags: will, clean session
          00 3C 00 01 61
          00 01 >74           # will topic "t"; the remaining length ends before the payload
          """, RejectReason.MALFORMED, 4),

      invalid("user name flag without user name", """
          10 0D 00 04 4D 51 54 54 04
          82                  # flags: user name, clean session
          00 3C 00 01 >61     # client id "a"; nothing left for the user name
          """, RejectReason.MALFORMED, 4),

      invalid("5 property not allowed in CONNECT", """
          10 11 00 04 4D 51 54 54 05 02 00 3C
          03                  # property length 3
          >23 00 01           #   topic alias: PUBLISH only
          00 01 61
          """, RejectReason.MALFORMED, 5),

      invalid("5 unknown property id", """
          10 10 00 04 4D 51 54 54 05 02 00 3C
          02 >7F 00           # property length 2, id 0x7F
          00 01 61
          """, RejectReason.MALFORMED, 5),

      invalid("5 session expiry twice", """
          10 18 00 04 4D 51 54 54 05 02 00 3C
          0A                  # property length 10
          11 00 00 00 0A      #   session expiry 10
          >11 00 00 00 14     #   session expiry again
          00 01 61
          """, RejectReason.PROTOCOL_ERROR, 5),

      invalid("5 receive maximum 0", """
          10 11 00 04 4D 51 54 54 05 02 00 3C
          03 21 00 >00        # receive maximum 0 (MQTT 5 §3.1.2.11.3)
          00 01 61
          """, RejectReason.PROTOCOL_ERROR, 5),

      invalid("5 request problem information 2", """
          10 10 00 04 4D 51 54 54 05 02 00 3C
          02 17 >02           # request problem information must be 0 or 1
          00 01 61
          """, RejectReason.PROTOCOL_ERROR, 5),

      invalid("5 property length past the remaining length", """
          10 0E 00 04 4D 51 54 54 05 02 00 3C
          >20                 # property length 32, but 3 bytes remain
          00 01 61
          """, RejectReason.MALFORMED, 5),

      invalid("5 property length longer than four bytes", """
          10 0F 00 04 4D 51 54 54 05 02 00 3C
          FF FF FF >FF 01
          """, RejectReason.MALFORMED, 5),

      invalid("5 property running past its block", """
          10 11 00 04 4D 51 54 54 05 02 00 3C
          03                  # property length 3
          >11 00 00           #   session expiry needs 4 bytes, the block has 2 left
          00 01 61
          """, RejectReason.MALFORMED, 5),

      invalid("5 authentication data without a method", """
          10 13 00 04 4D 51 54 54 05 02 00 3C
          05 16 00 02 AB >CD  # only authentication data (MQTT 5 §3.1.2.11.10)
          00 01 61
          """, RejectReason.PROTOCOL_ERROR, 5),

      invalid("5 user property name with a stray continuation byte", """
          10 15 00 04 4D 51 54 54 05 02 00 3C
          07 26 00 02 61 >80 00 00   # user property name "a" 0x80
          00 01 61
          """, RejectReason.MALFORMED, 5),

      invalid("5 session expiry among will properties", """
          10 1A 00 04 4D 51 54 54 05
          06                  # flags: will, clean start
          00 3C 00 00 01 61
          05 >11 00 00 00 0A  # will property length 5: session expiry belongs to CONNECT
          00 01 74 00 00
          """, RejectReason.MALFORMED, 5));

  static Stream<Vector> allVectors() {
    return Stream.concat(VALID.stream(), INVALID.stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allVectors")
  void wholeVectorGivesTheExpectedResult(Vector vector) {
    ConnectResult result = PARSER.parse(vector.bytes(), 0, vector.bytes().length);
    if (vector.valid()) {
      assertEquals(ConnectResult.valid(vector.expectedInfo()), result);
      assertEquals(vector.bytes().length, result.info().packetLength());
    } else {
      assertEquals(ConnectResult.Status.INVALID, result.status(), result::toString);
      assertEquals(vector.expectedReason(), result.reason(), result::toString);
      assertEquals(vector.expectedLevel(), result.protocolLevel(), result::toString);
      assertNull(result.info());
      assertTrue(!result.detail().isEmpty());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allVectors")
  void everySplitNeedsMoreUntilTheDecidingByteThenAnswersAsTheWhole(Vector vector) {
    byte[] bytes = vector.bytes();
    ConnectResult whole = PARSER.parse(bytes, 0, bytes.length);
    for (int split = 0; split <= bytes.length; split++) {
      // Stateless parser: "first part, then first and second part" is parsing the prefix, then the whole.
      ConnectResult prefix = PARSER.parse(Arrays.copyOf(bytes, split), 0, split);
      int at = split;
      if (split < vector.decidedAt()) {
        assertSame(ConnectResult.needMore(), prefix, () -> "split at " + at + ": " + prefix);
      } else {
        assertEquals(whole, prefix, "split at " + at);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allVectors")
  void bytesAfterThePacketChangeNothing(Vector vector) {
    byte[] subscribe = AnnotatedHex.bytes("""
        82 08               # SUBSCRIBE, remaining length 8
        00 01               # packet id 1
        00 03 61 2F 62      # topic filter "a/b"
        01                  # QoS 1
        """);
    byte[] pipelined = concat(vector.bytes(), subscribe);
    ConnectResult alone = PARSER.parse(vector.bytes(), 0, vector.bytes().length);
    ConnectResult followed = PARSER.parse(pipelined, 0, pipelined.length);
    assertEquals(alone, followed);
    if (vector.valid()) {
      assertEquals(vector.bytes().length, followed.info().packetLength());
      byte[] next = Arrays.copyOfRange(pipelined, followed.info().packetLength(), pipelined.length);
      assertArrayEquals(subscribe, next);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allVectors")
  void packetInsideALargerBufferParsesAsAlone(Vector vector) {
    byte[] bytes = vector.bytes();
    byte[] buffer = new byte[bytes.length + 10];
    Arrays.fill(buffer, (byte) 0xFF);
    System.arraycopy(bytes, 0, buffer, 7, bytes.length);
    assertEquals(PARSER.parse(bytes, 0, bytes.length), PARSER.parse(buffer, 7, bytes.length));
  }

  @Test
  void tooLargeIsDecidedFromTheFixedHeaderAtTheLimitBoundary() {
    ConnectParser parser = new ConnectParser(200);
    // 3-byte fixed header + remaining length 197 (C5 01) = 200: at the limit, so it waits for the body.
    assertSame(ConnectResult.needMore(), parser.parse(AnnotatedHex.bytes("10 C5 01"), 0, 3));
    // 3 + 198 (C6 01) = 201: one over, refused with nothing but the fixed header.
    ConnectResult tooLarge = parser.parse(AnnotatedHex.bytes("10 C6 01"), 0, 3);
    assertEquals(RejectReason.TOO_LARGE, tooLarge.reason());
    assertEquals(0, tooLarge.protocolLevel());
    // Before the length is complete nothing is decided.
    assertSame(ConnectResult.needMore(), parser.parse(AnnotatedHex.bytes("10 C6"), 0, 2));
    // The largest remaining length the encoding allows, with the default limit.
    ConnectResult huge = PARSER.parse(AnnotatedHex.bytes("10 FF FF FF 7F"), 0, 5);
    assertEquals(RejectReason.TOO_LARGE, huge.reason());
  }

  @Test
  void emptyInputNeedsMore() {
    assertSame(ConnectResult.needMore(), PARSER.parse(new byte[0], 0, 0));
    assertSame(ConnectResult.needMore(), PARSER.parse(new byte[] {0x10, 0x0D}, 2, 0));
  }

  @Test
  void limitBelowTheSmallestFixedHeaderIsRefusedNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConnectParser(1));
    assertTrue(e.getMessage().contains("maxConnectBytes (1)"), e.getMessage());
  }

  @Test
  void rangeOutsideTheArrayIsACallerBug() {
    assertThrows(IndexOutOfBoundsException.class, () -> PARSER.parse(new byte[4], 2, 3));
    assertThrows(NullPointerException.class, () -> PARSER.parse(null, 0, 0));
  }

  static byte[] concat(byte[] first, byte[] second) {
    byte[] joined = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, joined, first.length, second.length);
    return joined;
  }
}
