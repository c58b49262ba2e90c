package io.mqttlb.routing;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;

/**
 * The common name (CN, OID 2.5.4.3) of a certificate's subject, as a routing key and as the PROXY
 * protocol's {@code PP2_SUBTYPE_SSL_CN}: the value's text itself, never escaped ({@code CN=a\,b}
 * gives {@code a,b}).
 *
 * <p>A subject may hold several CNs ({@code CN=device-7,OU=fleet,CN=acme} in RFC 2253 order); the
 * most specific one is taken ({@code device-7}), which names the holder rather than a group above
 * it. (HAProxy writes the least specific, here {@code acme}; with one CN, as nearly every client
 * certificate has, the two agree.) In a multi-valued RDN ({@code CN=a+UID=7}) the CN is found
 * among the values. An empty CN, or one that is not a directory string, counts as absent.
 *
 * <p>The subject's DER encoding is walked rather than its RFC 2253 text parsed: Java 17 writes a
 * BMPString value (UTF-16, as some older CAs issue them) into that text as mojibake. In the
 * encoding, the RDNs run from the least specific to the most specific:
 *
 * <pre>
 *   30 len                      Name: SEQUENCE OF RDN
 *     31 len                    RDN: SET OF AttributeTypeAndValue, e.g. O=Acme
 *       30 len 06 03 55 04 0a 0c 04 "Acme"
 *     31 len                    the last RDN: the most specific
 *       30 len 06 03 55 04 03 0c 08 "device-7"    type 2.5.4.3 (CN), UTF8String value
 * </pre>
 *
 * Pure and thread-safe. A certificate's subject has been parsed by the TLS stack already, so the
 * encoding is well formed; anything else reads as no CN.
 */
public final class SubjectCommonName {
  private static final byte[] CN_OID = {0x55, 0x04, 0x03};
  private static final int SEQUENCE = 0x30;
  private static final int SET = 0x31;
  private static final int OID = 0x06;

  private SubjectCommonName() {
  }

  /** The most specific CN of {@code certificate}'s subject; null for null or a subject without one. */
  public static String of(X509Certificate certificate) {
    return certificate == null ? null : of(certificate.getSubjectX500Principal());
  }

  /** The most specific CN of {@code subject}; null when it has none. */
  public static String of(X500Principal subject) {
    return ofEncoded(subject.getEncoded());
  }

  /** The most specific CN of a DER-encoded X.500 name; null when it has none or is not well formed. */
  static String ofEncoded(byte[] name) {
    try {
      return mostSpecific(new Der(name));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static String mostSpecific(Der der) {
    int nameEnd = der.enter(SEQUENCE);
    String found = null;
    while (der.position < nameEnd) {
      int rdnEnd = der.enter(SET);
      String inRdn = null;
      while (der.position < rdnEnd) {
        int attributeEnd = der.enter(SEQUENCE);
        boolean isCn = der.enterMatches(OID, CN_OID);
        if (isCn && inRdn == null) {
          inRdn = der.directoryString();
        }
        der.position = attributeEnd;
      }
      if (inRdn != null && !inRdn.isEmpty()) {
        found = inRdn; // a later RDN is more specific
      }
    }
    return found;
  }

  /** A cursor over DER: tag, length, contents. */
  private static final class Der {
    private final byte[] bytes;
    private int position;

    Der(byte[] bytes) {
      this.bytes = bytes;
    }

    /** Reads the tag and length of an element with tag {@code tag}; returns where its contents end. */
    int enter(int tag) {
      if ((bytes[position++] & 0xFF) != tag) {
        throw new IllegalArgumentException("expected tag " + tag);
      }
      int length = length();
      int end = position + length;
      if (end > bytes.length) {
        throw new IllegalArgumentException("element runs past the end");
      }
      return end;
    }

    /** Reads an element with tag {@code tag}; true when its contents equal {@code expected}. */
    boolean enterMatches(int tag, byte[] expected) {
      int end = enter(tag);
      boolean matches = end - position == expected.length;
      for (int i = 0; matches && i < expected.length; i++) {
        matches = bytes[position + i] == expected[i];
      }
      position = end;
      return matches;
    }

    /** Reads any element; its text when it is one of X.520's string types, else null. */
    String directoryString() {
      int tag = bytes[position] & 0xFF;
      int end = enter(tag);
      Charset charset = switch (tag) {
        case 0x0C -> StandardCharsets.UTF_8; // UTF8String
        case 0x13, 0x16, 0x1A -> StandardCharsets.US_ASCII; // PrintableString, IA5String, VisibleString
        case 0x14 -> StandardCharsets.ISO_8859_1; // TeletexString, read as Latin-1 as Java and OpenSSL do
        case 0x1E -> StandardCharsets.UTF_16BE; // BMPString
        case 0x1C -> Charset.forName("UTF-32BE"); // UniversalString
        default -> null;
      };
      String text = charset == null ? null : new String(bytes, position, end - position, charset);
      position = end;
      return text;
    }

    private int length() {
      int first = bytes[position++] & 0xFF;
      if (first < 0x80) {
        return first;
      }
      int octets = first & 0x7F;
      if (octets == 0 || octets > 3) {
        throw new IllegalArgumentException("unsupported length");
      }
      int length = 0;
      for (int i = 0; i < octets; i++) {
        length = (length << 8) | (bytes[position++] & 0xFF);
      }
      return length;
    }
  }
}
