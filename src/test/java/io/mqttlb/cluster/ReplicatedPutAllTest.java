package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.testing.Await;
import io.mqttlb.testing.HazelcastPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch of puts with TTLs into a replicated map, overlapped ({@link PipelinedPuts}): every entry
 * lands on both members with its value, and each expires after its own TTL.
 */
class ReplicatedPutAllTest {
  @TempDir
  Path dir;

  @Test
  void everyEntryOfALargeBatchReplicatesAndKeepsItsOwnTtl() throws Exception {
    HazelcastPair pair = HazelcastPair.start(dir, "put-all-test");
    try {
      SharedMap writer = new HazelcastStateStore(pair.first()).map("put-all");
      SharedMap reader = new HazelcastStateStore(pair.second()).map("put-all");
      List<SharedMap.TimedPut> batch = new ArrayList<>();
      int count = PipelinedPuts.MAX_IN_FLIGHT * 2 + 17; // more than one round of operations in flight
      for (int i = 0; i < count; i++) {
        batch.add(new SharedMap.TimedPut("k" + i, "v" + i, i == 0 ? 500 : 60_000));
      }
      writer.putAll(batch);
      for (int i = 0; i < count; i++) {
        assertEquals("v" + i, writer.get("k" + i), "written before putAll returned");
      }
      Await.until("replicated", () -> reader.size() == count);
      assertEquals("v" + (count - 1), reader.get("k" + (count - 1)));
      Await.until("the short TTL ran out on both", () -> writer.get("k0") == null && reader.get("k0") == null);
      Await.until("the expired entry evicted", () -> reader.size() == count - 1);
      assertEquals("v1", reader.get("k1"), "the others keep their TTL");
    } finally {
      pair.second().shutdown();
      pair.first().shutdown();
    }
  }
}
