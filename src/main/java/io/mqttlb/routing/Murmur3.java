package io.mqttlb.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * MurmurHash3_x64_128 with seed 0, first 64 bits ({@code h1}), computed without allocating: the
 * hash behind {@link RingHash}, bit for bit the value of Guava's {@code
 * Hashing.murmur3_128(0).hashString(s, UTF_8).asLong()} and of {@code hashBytes(b, off,
 * len).asLong()}.
 *
 * <p>Why not Guava itself: the route decision (hash the key, then the ring lookup) must
 * allocate nothing, and Guava's {@code hashString} allocates a {@code Hasher}, its {@code
 * ByteBuffer}, the {@code byte[]} of {@code String.getBytes} and the {@code HashCode} on every
 * call. Guava stays the reference: {@code RingHashGuavaTest} compares the two on random text and
 * bytes, and {@code RingHashGoldenTest} pins the values, because a changed value would move
 * clients to other brokers and lose their sessions.
 *
 * <p>The text variant encodes the string to UTF-8 on the fly, exactly as {@code
 * String.getBytes(UTF_8)} does (which is what Guava hashes), and feeds the bytes into the current
 * 16-byte block, held in two longs as Guava reads it (little-endian). Worked example, {@code "aé😀"}
 * (U+0061, U+00E9, U+1F600 as the surrogate pair D83D DE00):
 *
 * <pre>
 * char(s)   UTF-8 bytes    packed (first byte lowest)  block position after
 * 'a'       61             0x61                        1
 * 'é'       C3 A9          0xA9C3                      3
 * D83D DE00 F0 9F 98 80    0x80989FF0                  7
 * block: k1 = 0x0080989F_F0A9C361 (7 bytes: the tail), k2 = 0; length 7
 * </pre>
 *
 * An unpaired surrogate becomes {@code '?'} (0x3F), as the JDK's encoder replaces it.
 *
 * <p>Stateless and thread-safe; every method keeps its state in locals.
 */
final class Murmur3 {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  /** Reads a little-endian long from any offset of a byte[] (no alignment needed, no copy). */
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** What {@code String.getBytes(UTF_8)} writes for a surrogate that is not part of a pair. */
  private static final int REPLACEMENT = '?';

  private Murmur3() {}

  /** The hash of {@code text}'s UTF-8 encoding. */
  static long hashUtf8Of(String text) {
    // Fast path for ASCII, what client ids nearly always are: one char is one byte, so 16 chars
    // make a block and are packed straight into it. At the first block (or tail) holding another
    // char, that block is encoded again by the general loop below, which can start there because
    // everything before it was whole blocks of one byte per char.
    long h1 = 0;
    long h2 = 0;
    int chars = text.length();
    int start = 0;
    while (true) {
      int n = Math.min(16, chars - start);
      long k1 = 0;
      long k2 = 0;
      int seen = 0; // all chars OR-ed: below 0x80 if and only if they are all ASCII
      // (A wider char spills into its neighbours' bytes, but then k1 and k2 are thrown away.)
      for (int j = 0; j < n; j++) {
        char c = text.charAt(start + j);
        seen |= c;
        if (j < 8) {
          k1 |= (long) c << (j * 8);
        } else {
          k2 |= (long) c << ((j - 8) * 8);
        }
      }
      if (seen >= 0x80) {
        break;
      }
      if (n < 16) {
        return finish(h1, h2, k1, k2, chars);
      }
      h1 = mixH1(h1, h2, k1);
      h2 = mixH2(h2, h1, k2);
      start += 16;
    }
    return hashUtf8Of(text, start, h1, h2);
  }

  /**
   * The general path: the rest of {@code text} from char {@code start}, after {@code start} ASCII
   * chars mixed into {@code h1, h2} as whole blocks.
   */
  private static long hashUtf8Of(String text, int start, long h1, long h2) {
    long k1 = 0; // bytes 0..7 of the current block, little-endian
    long k2 = 0; // bytes 8..15
    int inBlock = 0; // bytes already in the current block, 0..15
    int length = start; // bytes encoded so far
    int chars = text.length();
    for (int i = start; i < chars; i++) {
      // Encode one code point to 1-4 bytes packed into an int, first byte in the lowest 8 bits.
      char c = text.charAt(i);
      int packed;
      int count;
      if (c < 0x80) {
        packed = c;
        count = 1;
      } else if (c < 0x800) {
        packed = (0xC0 | c >>> 6) | (0x80 | c & 0x3F) << 8;
        count = 2;
      } else if (!Character.isSurrogate(c)) {
        packed = (0xE0 | c >>> 12) | (0x80 | c >>> 6 & 0x3F) << 8 | (0x80 | c & 0x3F) << 16;
        count = 3;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < chars
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        packed =
            (0xF0 | cp >>> 18)
                | (0x80 | cp >>> 12 & 0x3F) << 8
                | (0x80 | cp >>> 6 & 0x3F) << 16
                | (0x80 | cp & 0x3F) << 24;
        count = 4;
      } else {
        packed = REPLACEMENT;
        count = 1;
      }

      // Append the bytes at block position inBlock. The bits above count bytes are zero, so OR-ing
      // them in is harmless; bytes that spill past byte 15 are lost here and carried below.
      long bytes = packed & 0xFFFFFFFFL;
      if (inBlock < 8) {
        k1 |= bytes << (inBlock * 8);
        if (inBlock > 4) { // 5..7: up to 3 bytes spill into k2
          k2 |= bytes >>> ((8 - inBlock) * 8);
        }
      } else {
        k2 |= bytes << ((inBlock - 8) * 8);
      }
      inBlock += count;
      length += count;
      if (inBlock >= 16) {
        h1 = mixH1(h1, h2, k1);
        h2 = mixH2(h2, h1, k2);
        inBlock -= 16; // bytes of this code point that did not fit: start the next block
        k1 = bytes >>> ((count - inBlock) * 8);
        k2 = 0;
      }
    }
    return finish(h1, h2, k1, k2, length);
  }

  /** The hash of {@code length} bytes of {@code bytes} from {@code offset}. */
  static long hash(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    long h1 = 0;
    long h2 = 0;
    int end = offset + length;
    int p = offset;
    for (; end - p >= 16; p += 16) {
      h1 = mixH1(h1, h2, (long) LONG_LE.get(bytes, p));
      h2 = mixH2(h2, h1, (long) LONG_LE.get(bytes, p + 8));
    }
    long k1 = 0;
    long k2 = 0;
    for (int i = 0; p + i < end; i++) { // tail: 0..15 bytes
      long b = bytes[p + i] & 0xFFL;
      if (i < 8) {
        k1 |= b << (i * 8);
      } else {
        k2 |= b << ((i - 8) * 8);
      }
    }
    return finish(h1, h2, k1, k2, length);
  }

  // The rest is MurmurHash3_x64_128 as published (and as Guava writes it). Its bmix64 updates h1
  // from (h1, h2, k1), then h2 from (h2, the new h1, k2): split in two here so that the state can
  // stay in the callers' locals.

  private static long mixH1(long h1, long h2, long k1) {
    h1 ^= mixK1(k1);
    h1 = Long.rotateLeft(h1, 27);
    h1 += h2;
    return h1 * 5 + 0x52dce729;
  }

  private static long mixH2(long h2, long h1, long k2) {
    h2 ^= mixK2(k2);
    h2 = Long.rotateLeft(h2, 31);
    h2 += h1;
    return h2 * 5 + 0x38495ab5;
  }

  /**
   * Mixes in the partial last block (all zero when the length is a multiple of 16, which mixes to
   * zero and leaves h1, h2 unchanged, as when Guava skips it) and finalizes; returns {@code h1}.
   */
  private static long finish(long h1, long h2, long k1, long k2, int length) {
    h1 ^= mixK1(k1);
    h2 ^= mixK2(k2);
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    return h1 + h2;
  }

  private static long mixK1(long k1) {
    k1 *= C1;
    k1 = Long.rotateLeft(k1, 31);
    return k1 * C2;
  }

  private static long mixK2(long k2) {
    k2 *= C2;
    k2 = Long.rotateLeft(k2, 33);
    return k2 * C1;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
