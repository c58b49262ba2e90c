package io.mqttlb.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Packet boundaries of a broker→client stream: golden vectors, every split position of a header,
 * and a seeded property: random packet sequences cut into random chunks give exactly the packets'
 * start offsets as boundaries.
 */
class PacketBoundariesTest {
  private static final String STREAM = """
      30 0A 00 03 61 2F 62 68 65 6C 6C 6F   # PUBLISH QoS 0 "a/b" "hello": length 10
      D0 00                                 # PINGRESP: length 0
      90 03 00 01 00                        # SUBACK: length 3
      30 80 01                              # PUBLISH, length 128 in two bytes (80 01) ...
      """;

  /** Boundaries that nextBoundary reports, feeding {@code bytes} in the given chunk sizes. */
  private static List<Integer> boundaries(byte[] bytes, int[] cuts) {
    PacketBoundaries tracker = new PacketBoundaries();
    List<Integer> found = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int end = i < cuts.length ? cuts[i] : bytes.length;
      byte[] chunk = java.util.Arrays.copyOfRange(bytes, start, end);
      int pos = 0;
      while (pos <= chunk.length) {
        int at = tracker.nextBoundary(PacketBoundaries.of(chunk), pos, chunk.length);
        if (at < 0) {
          break;
        }
        found.add(start + at);
        if (at == chunk.length) {
          break;
        }
        tracker.skip(PacketBoundaries.of(chunk), at, at + 1); // step over the boundary byte
        pos = at + 1;
      }
      start = end;
    }
    return new ArrayList<>(new TreeSet<>(found)); // a boundary at a chunk's end is also the next chunk's start
  }

  @Test
  void goldenStreamBoundariesInOneChunk() {
    byte[] bytes = AnnotatedHex.parse(STREAM).bytes();
    assertEquals(List.of(0, 12, 14, 19), boundaries(bytes, new int[0]));
  }

  @Test
  void aHeaderSplitAtEveryPositionIsCarriedOver() {
    byte[] bytes = AnnotatedHex.parse(STREAM).bytes();
    for (int cut = 1; cut < bytes.length; cut++) {
      assertEquals(List.of(0, 12, 14, 19), boundaries(bytes, new int[] {cut}), "cut at " + cut);
    }
    int[] everyByte = new int[bytes.length - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertEquals(List.of(0, 12, 14, 19), boundaries(bytes, everyByte), "one byte at a time");
  }

  @Test
  void theDocumentedExample() {
    PacketBoundaries tracker = new PacketBoundaries();
    byte[] first = AnnotatedHex.parse("30 0A 00 03").bytes();
    byte[] second = AnnotatedHex.parse("61 2F 62 68 65 6C 6C 6F D0 00").bytes();
    tracker.skip(PacketBoundaries.of(first), 0, first.length);
    assertFalse(tracker.atBoundary());
    assertEquals(-1, tracker.nextBoundary(PacketBoundaries.of(second), 0, 3), "still inside the body");
    assertEquals(8, tracker.nextBoundary(PacketBoundaries.of(second), 3, second.length));
    assertTrue(tracker.atBoundary());
    tracker.skip(PacketBoundaries.of(second), 8, second.length);
    assertTrue(tracker.atBoundary(), "PINGRESP has no body");
  }

  @Test
  void aFiveByteRemainingLengthIsMalformedAndHasNoBoundaryAfterIt() {
    byte[] bytes = AnnotatedHex.parse("30 FF FF FF FF 01 D0 00 D0 00").bytes();
    PacketBoundaries tracker = new PacketBoundaries();
    assertEquals(0, tracker.nextBoundary(PacketBoundaries.of(bytes), 0, bytes.length));
    tracker.skip(PacketBoundaries.of(bytes), 0, 1);
    assertEquals(-1, tracker.nextBoundary(PacketBoundaries.of(bytes), 1, bytes.length));
    assertTrue(tracker.malformed());
    assertFalse(tracker.atBoundary());
  }

  @Test
  void theLargestRemainingLengthIsSkippedWithoutOverflow() {
    byte[] header = AnnotatedHex.parse("30 FF FF FF 7F").bytes(); // 268,435,455 body bytes
    PacketBoundaries tracker = new PacketBoundaries();
    tracker.skip(PacketBoundaries.of(header), 0, header.length);
    byte[] zeros = new byte[1 << 20];
    int left = 268_435_455;
    while (left > zeros.length) {
      assertEquals(-1, tracker.nextBoundary(PacketBoundaries.of(zeros), 0, zeros.length));
      left -= zeros.length;
    }
    assertEquals(left, tracker.nextBoundary(PacketBoundaries.of(zeros), 0, zeros.length));
  }

  @Test
  void theInjectedDisconnectIsOneWellFormedPacket() {
    byte[] disconnect = ServerDisconnect.withReason(ServerDisconnect.USE_ANOTHER_SERVER);
    assertArrayEquals(AnnotatedHex.parse("E0 02 9C 00").bytes(), disconnect);
    assertEquals(List.of(0, 4), boundaries(disconnect, new int[0]));
  }

  @RepeatedTest(200)
  void randomPacketsInRandomChunksGiveExactlyThePacketStarts(RepetitionInfo repetition) {
    Random random = new Random(repetition.getCurrentRepetition() * 7919L);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    List<Integer> starts = new ArrayList<>();
    int packets = 1 + random.nextInt(30);
    for (int p = 0; p < packets; p++) {
      starts.add(stream.size());
      int length = switch (random.nextInt(4)) {
        case 0 -> random.nextInt(3);
        case 1 -> random.nextInt(128);
        case 2 -> 128 + random.nextInt(16_384 - 128);
        default -> 16_384 + random.nextInt(70_000);
      };
      stream.write(0x10 + random.nextInt(0xF0)); // any type byte
      int value = length;
      do {
        int digit = value % 128;
        value /= 128;
        stream.write(value > 0 ? digit | 0x80 : digit);
      } while (value > 0);
      byte[] body = new byte[length];
      random.nextBytes(body); // body bytes that look like headers must not matter
      stream.writeBytes(body);
    }
    byte[] bytes = stream.toByteArray();
    starts.add(bytes.length);
    TreeSet<Integer> cuts = new TreeSet<>();
    int chunks = random.nextInt(Math.min(bytes.length, 200));
    for (int i = 0; i < chunks; i++) {
      cuts.add(1 + random.nextInt(bytes.length - 1));
    }
    int[] cutArray = cuts.stream().mapToInt(Integer::intValue).toArray();
    assertEquals(starts, boundaries(bytes, cutArray), "seed repetition " + repetition.getCurrentRepetition());

    // Following the same stream with skip() only ends at a boundary and never on the way.
    PacketBoundaries tracker = new PacketBoundaries();
    int from = 0;
    for (int cut : cutArray) {
      tracker.skip(PacketBoundaries.of(bytes), from, cut);
      assertEquals(starts.contains(cut), tracker.atBoundary(), "after " + cut + " bytes");
      from = cut;
    }
    tracker.skip(PacketBoundaries.of(bytes), from, bytes.length);
    assertTrue(tracker.atBoundary());
  }

  @RepeatedTest(50)
  void randomBytesNeverThrowAndNeverReadOutsideTheRange(RepetitionInfo repetition) {
    Random random = new Random(repetition.getCurrentRepetition());
    byte[] bytes = new byte[random.nextInt(5000)];
    random.nextBytes(bytes);
    PacketBoundaries tracker = new PacketBoundaries();
    int from = 0;
    while (from < bytes.length) {
      int to = Math.min(bytes.length, from + 1 + random.nextInt(300));
      int lo = from;
      int hi = to;
      PacketBoundaries.ByteSource guarded = i -> {
        if (i < lo || i >= hi) {
          throw new AssertionError("read " + i + " outside [" + lo + ", " + hi + ")");
        }
        return bytes[i];
      };
      if (random.nextBoolean()) {
        tracker.skip(guarded, from, to);
      } else {
        int at = tracker.nextBoundary(guarded, from, to);
        assertTrue(at == -1 || (at >= from && at <= to));
        if (at >= 0 && at < to) {
          tracker.skip(guarded, at, at + 1);
        }
      }
      from = to;
    }
  }
}
