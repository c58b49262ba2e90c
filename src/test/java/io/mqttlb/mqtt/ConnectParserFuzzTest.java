package io.mqttlb.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the CONNECT parser. For any bytes: parsing never throws (any exception
 * is a finding) and terminates; the bytes inside a larger array, between junk, parse the same; and
 * fed as a stream split at a fuzzer-chosen position, the first part answers NEED_MORE or already
 * the whole input's answer, as a reader that parses on every arrival relies on.
 *
 * <p>Input layout: the last byte picks the split, the rest is the stream. Seeds are the golden
 * vectors with one split byte appended.
 */
class ConnectParserFuzzTest {
  /** Small enough that fuzzed inputs also reach TOO_LARGE. */
  private static final ConnectParser SMALL_LIMIT = new ConnectParser(64);
  private static final ConnectParser DEFAULT_LIMIT = new ConnectParser(ConnectParser.DEFAULT_MAX_CONNECT_BYTES);

  @FuzzTest(maxDuration = "3s")
  void parse(FuzzedDataProvider data) {
    int splitChoice = data.consumeInt(0, 255);
    byte[] stream = data.consumeRemainingAsBytes();
    int split = splitChoice % (stream.length + 1);
    for (ConnectParser parser : new ConnectParser[] {DEFAULT_LIMIT, SMALL_LIMIT}) {
      ConnectResult whole = parser.parse(stream);
      checkShape(whole, stream);

      byte[] framed = new byte[stream.length + 7];
      Arrays.fill(framed, (byte) 0x10);
      System.arraycopy(stream, 0, framed, 3, stream.length);
      assertEquals(whole, parser.parse(framed, 3, stream.length), "inside a larger array");

      ConnectResult first = parser.parse(stream, 0, split);
      assertTrue(first.needsMore() || first.equals(whole),
          () -> "first " + split + " bytes answered " + first + ", the whole stream " + whole);
    }
  }

  private static void checkShape(ConnectResult result, byte[] stream) {
    if (result.isValid()) {
      int packetLength = result.info().packetLength();
      assertTrue(packetLength >= 2 && packetLength <= stream.length,
          () -> "packetLength " + packetLength + " of " + stream.length);
      assertEquals(packetLength, ConnectParser.declaredPacketLength(stream, 0, stream.length),
          "a valid CONNECT ends where its fixed header says");
    } else if (result.isInvalid()) {
      assertTrue(result.reason() != null, "an INVALID answer names its reason");
    }
  }
}
