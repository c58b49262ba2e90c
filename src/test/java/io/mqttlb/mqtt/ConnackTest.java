package io.mqttlb.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnackTest {

  /** "-" means close without a CONNACK. */
  @ParameterizedTest(name = "level {0}, {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      # MQTT 5: 20 03 | flags 00 | reason code | property length 00 (MQTT 5 §3.2)
      5 | MALFORMED                  | 20 03 00 81 00
      5 | MALFORMED_REMAINING_LENGTH | 20 03 00 81 00
      5 | PROTOCOL_ERROR             | 20 03 00 82 00
      5 | UNSUPPORTED_PROTOCOL_LEVEL | 20 03 00 84 00
      5 | BAD_CLIENT_ID              | 20 03 00 85 00
      5 | TOO_LARGE                  | 20 03 00 95 00
      5 | NOT_CONNECT                | -
      5 | BAD_PROTOCOL_NAME          | -
      # 3.1.1: 20 02 | flags 00 | return code (3.1.1 §3.2.2.3)
      4 | UNSUPPORTED_PROTOCOL_LEVEL | 20 02 00 01
      4 | BAD_CLIENT_ID              | 20 02 00 02
      4 | MALFORMED                  | -
      4 | MALFORMED_REMAINING_LENGTH | -
      4 | PROTOCOL_ERROR             | -
      4 | TOO_LARGE                  | -
      4 | NOT_CONNECT                | -
      4 | BAD_PROTOCOL_NAME          | -
      # 3.1: same layout and codes
      3 | UNSUPPORTED_PROTOCOL_LEVEL | 20 02 00 01
      3 | BAD_CLIENT_ID              | 20 02 00 02
      3 | MALFORMED                  | -
      3 | PROTOCOL_ERROR             | -
      3 | TOO_LARGE                  | -
      # A level nobody speaks: 3.1.1 §3.1.2.2's answer for an unsupported level, nothing else.
      6   | UNSUPPORTED_PROTOCOL_LEVEL | 20 02 00 01
      255 | UNSUPPORTED_PROTOCOL_LEVEL | 20 02 00 01
      6   | BAD_CLIENT_ID              | -
      6   | MALFORMED                  | -
      # Level unknown: the dialect is unknown, so never a CONNACK.
      0 | UNSUPPORTED_PROTOCOL_LEVEL | -
      0 | TOO_LARGE                  | -
      0 | MALFORMED                  | -
      0 | NOT_CONNECT                | -
      """)
  void rejection(int level, RejectReason reason, String expectedHex) {
    assertArrayEquals(expectedHex.equals("-") ? null : AnnotatedHex.bytes(expectedHex),
        Connack.forRejection(level, reason));
  }

  @Test
  void serverUnavailable() {
    assertArrayEquals(AnnotatedHex.bytes("20 02 00 03"), Connack.serverUnavailable(3));
    assertArrayEquals(AnnotatedHex.bytes("20 02 00 03"), Connack.serverUnavailable(4));
    assertArrayEquals(AnnotatedHex.bytes("20 03 00 88 00"), Connack.serverUnavailable(5));
    assertNull(Connack.serverUnavailable(0));
    assertNull(Connack.serverUnavailable(6));
  }

  @Test
  void serverBusy() {
    assertArrayEquals(AnnotatedHex.bytes("20 02 00 03"), Connack.serverBusy(3)); // 3.1 has no busy code: unavailable
    assertArrayEquals(AnnotatedHex.bytes("20 02 00 03"), Connack.serverBusy(4));
    assertArrayEquals(AnnotatedHex.bytes("20 03 00 89 00"), Connack.serverBusy(5));
    assertNull(Connack.serverBusy(0));
    assertNull(Connack.serverBusy(6));
  }

  @Test
  void eachCallReturnsAFreshArray() {
    byte[] first = Connack.serverUnavailable(5);
    first[3] = 0;
    assertArrayEquals(AnnotatedHex.bytes("20 03 00 88 00"), Connack.serverUnavailable(5));
    assertNotSame(Connack.forRejection(4, RejectReason.BAD_CLIENT_ID),
        Connack.forRejection(4, RejectReason.BAD_CLIENT_ID));
  }

  @Test
  void parserResultsPickTheirConnack() {
    ConnectParser parser = new ConnectParser(ConnectParser.DEFAULT_MAX_CONNECT_BYTES);
    ConnectResult emptyIdWithoutCleanSession = parser.parse(AnnotatedHex.bytes(
        "10 0C 00 04 4D 51 54 54 04 00 00 3C 00 00"), 0, 14);
    assertArrayEquals(AnnotatedHex.bytes("20 02 00 02"), Connack.forRejection(
        emptyIdWithoutCleanSession.protocolLevel(), emptyIdWithoutCleanSession.reason()));

    ConnectResult level6 = parser.parse(AnnotatedHex.bytes("10 0D 00 04 4D 51 54 54 06"), 0, 9);
    assertArrayEquals(AnnotatedHex.bytes("20 02 00 01"),
        Connack.forRejection(level6.protocolLevel(), level6.reason()));

    ConnectResult mqtt5ReservedFlag = parser.parse(AnnotatedHex.bytes("10 0E 00 04 4D 51 54 54 05 01"), 0, 10);
    assertArrayEquals(AnnotatedHex.bytes("20 03 00 81 00"),
        Connack.forRejection(mqtt5ReservedFlag.protocolLevel(), mqtt5ReservedFlag.reason()));

    ConnectResult http = parser.parse(AnnotatedHex.bytes("47 45 54 20"), 0, 4);
    assertNull(Connack.forRejection(http.protocolLevel(), http.reason()));
  }

  @Test
  void rejectReasonMetricLabelsAreStable() {
    StringBuilder labels = new StringBuilder();
    for (RejectReason reason : RejectReason.values()) {
      labels.append(reason.metricLabel()).append(' ');
    }
    assertEquals("not_connect malformed_remaining_length too_large bad_protocol_name unsupported_protocol_level"
        + " protocol_error bad_client_id malformed ", labels.toString());
  }
}
