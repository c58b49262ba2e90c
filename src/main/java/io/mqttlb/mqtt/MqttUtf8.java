package io.mqttlb.mqtt;

/**
 * The strict UTF-8 check MQTT strings need (3.1.1 §1.5.3, MQTT 5 §1.5.4): well-formed per Unicode's table of
 * well-formed byte sequences, so no overlong forms, no surrogates [MQTT-1.5.3-1] and nothing past U+10FFFF, and no
 * U+0000 [MQTT-1.5.3-2]. Control characters and non-characters are only SHOULD NOTs that let the receiver choose,
 * so they pass: the broker makes that choice, not the balancer.
 *
 * <p>It can check a string of which only a prefix has arrived, so a bad byte is refused when it arrives.
 */
final class MqttUtf8 {

  /** Returned by {@link #validPrefixEnd} when the bytes can never become a valid MQTT string. */
  static final int MALFORMED = -1;

  private MqttUtf8() {}

  /**
   * Checks {@code data[from, to)}, which may end inside a character.
   *
   * @return {@link #MALFORMED}, or the index just after the last complete character: {@code to} when the range ends
   *     on a character boundary, less when it ends inside a sequence whose bytes so far are valid
   */
  static int validPrefixEnd(byte[] data, int from, int to) {
    int i = from;
    while (i < to) {
      int lead = data[i] & 0xFF;
      if (lead < 0x80) {
        if (lead == 0) {
          return MALFORMED;
        }
        i++;
        continue;
      }
      int size;
      int secondMin = 0x80;
      int secondMax = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) {
        size = 2;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        size = 3;
        if (lead == 0xE0) {
          secondMin = 0xA0; // below is an overlong 2-byte form
        } else if (lead == 0xED) {
          secondMax = 0x9F; // above are the surrogates U+D800..U+DFFF
        }
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        size = 4;
        if (lead == 0xF0) {
          secondMin = 0x90; // below is an overlong 3-byte form
        } else if (lead == 0xF4) {
          secondMax = 0x8F; // above is past U+10FFFF
        }
      } else {
        return MALFORMED; // a stray continuation byte, an overlong lead (C0, C1), or past U+10FFFF (F5..FF)
      }
      int present = Math.min(size, to - i);
      for (int k = 1; k < present; k++) {
        int b = data[i + k] & 0xFF;
        if (k == 1 ? b < secondMin || b > secondMax : b < 0x80 || b > 0xBF) {
          return MALFORMED;
        }
      }
      if (present < size) {
        return i;
      }
      i += size;
    }
    return i;
  }
}
