package io.mqttlb.routing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RingHash} (our allocation-free {@link Murmur3}) gives exactly Guava's {@code
 * murmur3_128(0)} first long, the reference it replaced: on every single char, on every alignment
 * of a multi-byte sequence against the 16-byte blocks, and on random text and bytes with fixed
 * seeds. Any difference would move clients to other brokers, so equality is checked, never
 * closeness.
 *
 * <p>The text cases are built from char classes by the UTF-8 length they encode to, because the
 * encoder's branches and the block carry are where a hand-written encoder goes wrong: the unpaired
 * surrogates in particular, which {@code String.getBytes(UTF_8)} (and so Guava) turns into {@code
 * '?'}.
 */
class RingHashGuavaTest {

  private static final HashFunction GUAVA = Hashing.murmur3_128(0);

  private static final int RANDOM_STRINGS = 200_000;
  private static final int RANDOM_BYTE_ARRAYS = 50_000;

  /** Asserts both our variants equal Guava's on {@code text} (and its UTF-8 bytes). */
  private static void assertSameAsGuava(String text) {
    long expected = GUAVA.hashString(text, UTF_8).asLong();
    byte[] utf8 = text.getBytes(UTF_8);
    if (RingHash.hashKey(text) != expected) {
      assertEquals(expected, RingHash.hashKey(text), () -> "hashKey(String) of " + escaped(text));
    }
    if (RingHash.hashKey(utf8, 0, utf8.length) != expected) {
      assertEquals(
          expected,
          RingHash.hashKey(utf8, 0, utf8.length),
          () -> "hashKey(byte[]) of " + escaped(text));
    }
  }

  @Test
  void everySingleChar() {
    for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
      assertSameAsGuava(String.valueOf((char) c));
    }
  }

  @Test
  void everyAlignmentOfEveryEncodedLengthAgainstTheBlocks() {
    // A run of n ASCII chars puts the next sequence at block position n % 16; 0..40 covers every
    // position, in the first, second and third block, with something after it or not.
    String[] sequences = {
      "\u00e9", "\u07ff", "\u0800", "\uffff", "\ud83d\ude00", "\udbff\udfff", "\ud800", "\udc00"
    };
    for (int n = 0; n <= 40; n++) {
      String pad = "x".repeat(n);
      for (String sequence : sequences) {
        assertSameAsGuava(pad + sequence);
        assertSameAsGuava(pad + sequence + "yz");
        assertSameAsGuava(pad + sequence + sequence + sequence + sequence + sequence);
      }
    }
  }

  @Test
  void unpairedSurrogatesBecomeQuestionMarks() {
    String[] cases = {
      "\ud83d", // high at the end
      "\ude00", // low alone
      "\ude00\ud83d", // a pair in the wrong order: two unpaired
      "\ud83d\ud83d\ude00", // high, then a real pair
      "\ud83d\ude00\ude00", // a real pair, then a low
      "a\ud83db",
      "client-\udc00-\ud800",
    };
    for (String text : cases) {
      assertSameAsGuava(text);
      assertEquals(RingHash.hashKey(text.replaceAll("\\p{Cs}", "?")), RingHash.hashKey(text));
    }
  }

  @Test
  void randomStrings() {
    Random random = new Random(0x6d717474L);
    BitSet tailLengthsSeen = new BitSet(16);
    int multiBlock = 0;
    for (int i = 0; i < RANDOM_STRINGS; i++) {
      String text = randomText(random);
      int bytes = text.getBytes(UTF_8).length;
      tailLengthsSeen.set(bytes % 16);
      multiBlock += bytes >= 32 ? 1 : 0;
      assertSameAsGuava(text);
    }
    // The generator really reaches what it is meant to: every tail length, and several blocks.
    assertEquals(16, tailLengthsSeen.cardinality());
    assertTrue(multiBlock > RANDOM_STRINGS / 2, "strings of two blocks or more: " + multiBlock);
  }

  @Test
  void randomBytesAtAnyOffset() {
    Random random = new Random(0x6c62L);
    byte[] buffer = new byte[120];
    for (int i = 0; i < RANDOM_BYTE_ARRAYS; i++) {
      random.nextBytes(buffer); // also fills what lies around the range, which must not count
      int offset = random.nextInt(17);
      int length = random.nextInt(101);
      long expected = GUAVA.hashBytes(buffer, offset, length).asLong();
      assertEquals(expected, RingHash.hashKey(buffer, offset, length), "offset, length " + i);
    }
  }

  @Test
  void bytesOutsideTheArrayAreRejected() {
    byte[] buffer = new byte[8];
    assertEquals(GUAVA.hashBytes(buffer, 8, 0).asLong(), RingHash.hashKey(buffer, 8, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> RingHash.hashKey(buffer, 1, 8));
    assertThrows(IndexOutOfBoundsException.class, () -> RingHash.hashKey(buffer, -1, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> RingHash.hashKey(buffer, 0, -1));
  }

  private static final int CHAR_CLASSES = 7;

  /**
   * 0 to 100 chars (101 when a surrogate pair ends it), all from one char class or, one string in
   * three, mixing the classes char by char.
   */
  private static String randomText(Random random) {
    int length = random.nextInt(101);
    boolean mixed = random.nextInt(3) == 0;
    int charClass = random.nextInt(CHAR_CLASSES);
    StringBuilder text = new StringBuilder(length + 1);
    while (text.length() < length) {
      appendFromClass(random, mixed ? random.nextInt(CHAR_CLASSES) : charClass, text);
    }
    return text.toString();
  }

  private static void appendFromClass(Random random, int charClass, StringBuilder text) {
    switch (charClass) {
      case 0: // ASCII, 1 byte (including NUL and DEL)
        text.append((char) random.nextInt(0x80));
        break;
      case 1: // U+0080..U+07FF, 2 bytes
        text.append((char) (0x80 + random.nextInt(0x800 - 0x80)));
        break;
      case 2: // U+0800..U+FFFF outside the surrogates, 3 bytes
        char c;
        do {
          c = (char) (0x800 + random.nextInt(0x10000 - 0x800));
        } while (Character.isSurrogate(c));
        text.append(c);
        break;
      case 3: // the top of the BMP, 3 bytes: U+FFxx (half-width forms, specials, U+FFFF)
        text.append((char) (0xFF00 + random.nextInt(0x100)));
        break;
      case 4: // a supplementary code point as a surrogate pair, 4 bytes; emoji half the time
        int codePoint =
            random.nextBoolean()
                ? 0x1F300 + random.nextInt(0x1FAFF - 0x1F300 + 1)
                : Character.MIN_SUPPLEMENTARY_CODE_POINT
                    + random.nextInt(Character.MAX_CODE_POINT + 1 - 0x10000);
        text.appendCodePoint(codePoint);
        break;
      case 5: // an unpaired high surrogate (unless the next char happens to be a low one)
        text.append((char) (Character.MIN_HIGH_SURROGATE + random.nextInt(0x400)));
        break;
      default: // an unpaired low surrogate (unless it happens to follow a high one)
        text.append((char) (Character.MIN_LOW_SURROGATE + random.nextInt(0x400)));
        break;
    }
  }

  private static String escaped(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.append('"').toString();
  }
}
