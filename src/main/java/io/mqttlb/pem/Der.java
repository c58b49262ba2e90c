package io.mqttlb.pem;

import java.io.ByteArrayOutputStream;

/**
 * The little DER that re-wrapping a private key needs: writing a tag-length-value, and reading the
 * elements of one level of a structure. Lengths in the long form up to four bytes (keys are far
 * smaller). Not a general ASN.1 library: anything unexpected is an {@link IllegalArgumentException}.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;
  /** {@code [0]}, constructed: SEC1's optional curve parameters. */
  static final int CONTEXT_0 = 0xA0;

  private Der() {}

  /** One element: its tag and the bounds of its content in the buffer it was read from. */
  record Element(int tag, byte[] buffer, int offset, int length) {
    byte[] content() {
      byte[] copy = new byte[length];
      System.arraycopy(buffer, offset, copy, 0, length);
      return copy;
    }

    /** The whole element, tag and length included. */
    byte[] encoded() {
      return tlv(tag, content());
    }

    /** The elements inside this constructed one. */
    java.util.List<Element> children() {
      java.util.List<Element> children = new java.util.ArrayList<>();
      int at = offset;
      while (at < offset + length) {
        Element child = read(buffer, at, offset + length);
        children.add(child);
        at = child.offset + child.length;
      }
      return children;
    }
  }

  /** The element that starts at {@code at} and must end by {@code end}. */
  static Element read(byte[] buffer, int at, int end) {
    if (at + 2 > end) {
      throw new IllegalArgumentException("truncated DER");
    }
    int tag = buffer[at] & 0xFF;
    int first = buffer[at + 1] & 0xFF;
    int position = at + 2;
    int length;
    if (first < 0x80) {
      length = first;
    } else {
      int bytes = first & 0x7F;
      if (bytes == 0 || bytes > 4 || position + bytes > end) {
        throw new IllegalArgumentException("unsupported DER length");
      }
      length = 0;
      for (int i = 0; i < bytes; i++) {
        length = (length << 8) | (buffer[position++] & 0xFF);
      }
    }
    if (length < 0 || position + length > end) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new Element(tag, buffer, position, length);
  }

  /** The single element that fills {@code encoded}. */
  static Element read(byte[] encoded) {
    Element element = read(encoded, 0, encoded.length);
    if (element.offset + element.length != encoded.length) {
      throw new IllegalArgumentException("trailing bytes after DER");
    }
    return element;
  }

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else if (length <= 0xFF) {
      out.write(0x81);
      out.write(length);
    } else if (length <= 0xFFFF) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length);
    } else {
      out.write(0x83);
      out.write(length >> 16);
      out.write(length >> 8);
      out.write(length);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... elements) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] element : elements) {
      content.writeBytes(element);
    }
    return tlv(SEQUENCE, content.toByteArray());
  }
}
