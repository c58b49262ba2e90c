package io.mqttlb.mqtt;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Bytes written like a protocol trace: pairs of hex digits, whitespace anywhere, {@code #} comments to the end of
 * the line, and at most one {@code >} in front of the byte at which a parser is expected to decide.
 */
final class AnnotatedHex {

  /** @param markedIndex index of the byte after {@code >}, or -1 */
  record Parsed(byte[] bytes, int markedIndex) {}

  private AnnotatedHex() {}

  static Parsed parse(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int marked = -1;
    int high = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '#') {
        while (i < text.length() && text.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '>') {
        if (marked >= 0 || high >= 0) {
          throw new IllegalArgumentException("'>' twice or inside a byte at " + i + " in: " + text);
        }
        marked = out.size();
      } else if (!Character.isWhitespace(c)) {
        int digit = Character.digit(c, 16);
        if (digit < 0) {
          throw new IllegalArgumentException("not a hex digit: '" + c + "' at " + i + " in: " + text);
        }
        if (high < 0) {
          high = digit;
        } else {
          out.write(high << 4 | digit);
          high = -1;
        }
      }
    }
    if (high >= 0) {
      throw new IllegalArgumentException("odd number of hex digits in: " + text);
    }
    return new Parsed(out.toByteArray(), marked);
  }

  static byte[] bytes(String text) {
    return parse(text).bytes();
  }

  static String format(byte[] bytes) {
    return HexFormat.ofDelimiter(" ").formatHex(bytes);
  }
}
