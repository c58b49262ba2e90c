package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden values. Every node, every release, must send a client to the same broker; these values
 * were computed once and written down (the hashes also cross-checked against an independent
 * implementation of MurmurHash3_x64_128, whose {@code h1} half they are). If this test fails after
 * a dependency bump or a refactoring, clients would silently move to other brokers and lose their
 * persistent sessions: fix the code, never the numbers.
 */
class RingHashGoldenTest {

  private static final HashRing B1_B2_B3 =
      HashRing.build(
          List.of(new RingMember("b1", 1), new RingMember("b2", 1), new RingMember("b3", 1)),
          HashRing.DEFAULT_VIRTUAL_NODES);

  @Test
  void hashKeyIsMurmur3_128Seed0FirstLongOfUtf8() {
    assertEquals(0x0000000000000000L, RingHash.hashKey(""));
    assertEquals(0x85555565f6597889L, RingHash.hashKey("a"));
    assertEquals(0x9be143f8347e8282L, RingHash.hashKey("client-1"));
    assertEquals(0x276f7cda98bd377cL, RingHash.hashKey("mqttlb"));
    assertEquals(0xc74795b84d23d767L, RingHash.hashKey("sensor/42"));
    assertEquals(0x4e9559181facb114L, RingHash.hashKey("127.0.0.1"));
    assertEquals(0xe11718d678db26ffL, RingHash.hashKey("user@example.com"));
    // Non-ASCII: two-, three- and four-byte UTF-8 sequences.
    assertEquals(0xef8e840ee667c279L, RingHash.hashKey("ünïcödé-Ж-😀"));
  }

  @Test
  void hashPointIsHashKeyOfIdHashIndex() {
    assertEquals(0x4b87479123b0bd7aL, RingHash.hashPoint("b1", 0));
    assertEquals(0xf2c3d2a2a0f2af59L, RingHash.hashPoint("b1", 159));
    assertEquals(0x032655c227da5d46L, RingHash.hashPoint("b3", 159));
    assertEquals(RingHash.hashKey("b2#7"), RingHash.hashPoint("b2", 7));
  }

  @Test
  void clientIdsGoToTheSameBrokersAsEver() {
    String[][] expected = {
      {"client-0", "b3"},
      {"client-1", "b3"},
      {"client-2", "b1"},
      {"client-3", "b2"},
      {"client-4", "b1"},
      {"client-5", "b2"},
      {"client-7", "b3"},
      {"sensor-0001", "b2"},
      {"d:acme:thermo:17", "b3"},
      {"mosqpub|1234-host", "b2"},
      {"ünïcödé-Ж-😀", "b3"},
      {"127.0.0.1", "b1"},
      {"user@example.com", "b1"},
    };
    for (String[] clientAndBroker : expected) {
      int owner = B1_B2_B3.lookup(RingHash.hashKey(clientAndBroker[0]));
      assertEquals(clientAndBroker[1], B1_B2_B3.memberId(owner), clientAndBroker[0]);
    }
  }

  @Test
  void tenThousandClientIdsSplitAsEver() {
    int[] counts = new int[3];
    for (int i = 0; i < 10_000; i++) {
      counts[B1_B2_B3.lookup(RingHash.hashKey("client-" + i))]++;
    }
    assertArrayEquals(new int[] {3394, 3174, 3432}, counts); // b1, b2, b3
  }

  @Test
  void wholeRingIsPinned() {
    assertEquals(3 * HashRing.DEFAULT_VIRTUAL_NODES, B1_B2_B3.pointCount());
    assertEquals(0x017cc9560c98efa1L, B1_B2_B3.point(0));
    assertEquals("b3", B1_B2_B3.memberId(B1_B2_B3.pointOwner(0)));
    assertEquals(0xfef512d9f11d8300L, B1_B2_B3.point(B1_B2_B3.pointCount() - 1));
    assertEquals("b2", B1_B2_B3.memberId(B1_B2_B3.pointOwner(B1_B2_B3.pointCount() - 1)));
    long fingerprint = 17;
    for (int p = 0; p < B1_B2_B3.pointCount(); p++) {
      fingerprint = fingerprint * 31 + B1_B2_B3.point(p);
      fingerprint = fingerprint * 31 + B1_B2_B3.pointOwner(p);
    }
    assertEquals(0x9fc2a2f707e81d91L, fingerprint);
  }
}
