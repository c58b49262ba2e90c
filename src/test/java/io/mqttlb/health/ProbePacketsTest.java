package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.health.ProbePackets.Answer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProbePacketsTest {
  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }

  @Test
  void connectIsACleanSession311PacketWithKeepaliveZero() {
    assertArrayEquals(hex("""
        10 13
        0004 4d515454  04  02  0000
        0007 6d7174746c622d
        """.replace("\n", "")), ProbePackets.connect("mqttlb-"));
    // remaining length 10 + 2 + 17 = 29 = 0x1d
    byte[] probe = ProbePackets.connect("mqttlb-probe-lb-1");
    assertEquals(0x1d, probe[1]);
    assertEquals(2 + 0x1d, probe.length);
  }

  @Test
  void aLongClientIdTakesATwoByteRemainingLength() {
    byte[] packet = ProbePackets.connect("x".repeat(200)); // remaining 212 = 0xd4 0x01
    assertEquals((byte) 0xd4, packet[1]);
    assertEquals(0x01, packet[2]);
    assertEquals(3 + 212, packet.length);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "'',          NEED_MORE",
      "20,          NEED_MORE",
      "2002,        NEED_MORE",
      "200200,      NEED_MORE",
      "20020000,    ACCEPTED",
      "20020100,    ACCEPTED",               // session present: still an answer
      "20020001,    REFUSED_BUT_ANSWERING",  // unacceptable protocol version
      "20020004,    REFUSED_BUT_ANSWERING",  // bad user name or password
      "20020005,    REFUSED_BUT_ANSWERING",  // not authorized
      "20020003,    SERVER_UNAVAILABLE",
      "20020006,    NOT_MQTT",               // reserved return code
      "20030000,    NOT_MQTT",               // wrong remaining length
      "20020200,    NOT_MQTT",               // reserved acknowledge flag
      "30,          NOT_MQTT",               // a PUBLISH
      "48545450,    NOT_MQTT",               // 'HTTP'
  })
  void connackAnswers(String bytes, Answer expected) {
    byte[] data = hex(bytes);
    assertEquals(expected, ProbePackets.readConnack(data, data.length));
  }

  @Test
  void onlyAcceptedAndAnsweringRefusalsAreUp() {
    assertTrue(Answer.ACCEPTED.up());
    assertTrue(Answer.REFUSED_BUT_ANSWERING.up());
    assertFalse(Answer.SERVER_UNAVAILABLE.up());
    assertFalse(Answer.NOT_MQTT.up());
    assertFalse(Answer.NEED_MORE.up());
  }
}
