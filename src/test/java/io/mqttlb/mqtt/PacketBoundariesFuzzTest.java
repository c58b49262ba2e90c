package io.mqttlb.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the packet boundary follower: for any stream cut into chunks at
 * fuzzer-chosen positions, the boundaries it reports are the ones a plain whole-array reading of
 * the fixed headers finds, and it turns malformed exactly when that reading meets a Remaining
 * Length of more than four bytes. Never throws, never reads outside a chunk's range.
 *
 * <p>Input layout: the last bytes pick up to three cuts, the rest is the stream.
 */
class PacketBoundariesFuzzTest {

  @FuzzTest(maxDuration = "3s")
  void follow(FuzzedDataProvider data) {
    int cuts = data.consumeInt(0, 3);
    int[] cutChoices = new int[cuts];
    for (int i = 0; i < cuts; i++) {
      cutChoices[i] = data.consumeInt(0, 0xFFFF);
    }
    byte[] stream = data.consumeRemainingAsBytes();
    int[] positions = new int[cuts + 2];
    for (int i = 0; i < cuts; i++) {
      positions[i + 1] = cutChoices[i] % (stream.length + 1);
    }
    positions[cuts + 1] = stream.length;
    Arrays.sort(positions);

    PacketBoundaries follower = new PacketBoundaries();
    List<Integer> found = new ArrayList<>();
    for (int c = 0; c + 1 < positions.length; c++) {
      int start = positions[c];
      byte[] chunk = Arrays.copyOfRange(stream, start, positions[c + 1]);
      // Surrounded by bytes it must not read: a read outside [0, length) of the copy would throw.
      PacketBoundaries.ByteSource source = PacketBoundaries.of(chunk);
      int pos = 0;
      while (pos < chunk.length) {
        int boundary = follower.nextBoundary(source, pos, chunk.length);
        if (boundary < 0 || boundary == chunk.length) {
          break;
        }
        found.add(start + boundary);
        follower.skip(source, boundary, boundary + 1);
        pos = boundary + 1;
      }
    }
    Reference expected = Reference.of(stream);
    assertEquals(expected.boundaries, found, "boundaries");
    assertEquals(expected.malformed, follower.malformed(), "malformed");
  }

  /** The boundaries read from the whole stream at once, header by header. */
  private record Reference(List<Integer> boundaries, boolean malformed) {
    static Reference of(byte[] stream) {
      List<Integer> boundaries = new ArrayList<>();
      long pos = 0;
      while (pos < stream.length) {
        boundaries.add((int) pos);
        long at = pos + 1;
        long length = 0;
        int lengthBytes = 0;
        while (true) {
          if (at >= stream.length) {
            return new Reference(boundaries, false);
          }
          int b = stream[(int) at++] & 0xFF;
          length |= (long) (b & 0x7F) << (7 * lengthBytes);
          lengthBytes++;
          if ((b & 0x80) == 0) {
            break;
          }
          if (lengthBytes == 4) {
            return new Reference(boundaries, true);
          }
        }
        pos = at + length;
      }
      return new Reference(boundaries, false);
    }
  }
}
