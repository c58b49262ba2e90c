package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The log lines for what a node held before merging back and the merged map no longer holds. */
class MergeLossesTest {
  @Test
  void namesEntriesTheTierLacksOrReplacedAndNotThoseKeptOrGained() {
    Map<String, String> held = Map.of("mode", "table", "k1", "b1|0", "k2", "b2|0");
    Map<String, String> merged = Map.of("mode", "hash", "k2", "b2|0", "k3", "b3|0");
    assertEquals(List.of("k1=b1|0 (the tier has none)", "mode=table (the tier has hash)"), MergeLosses.of(held, merged));
  }

  @Test
  void nothingWhenTheTierHoldsEverything() {
    assertEquals(List.of(), MergeLosses.of(Map.of("k", "v"), Map.of("k", "v", "other", "w")));
  }
}
