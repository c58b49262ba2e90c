package io.mqttlb.loadtest.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  static final String SCRAPE = """
      # HELP jvm_buffer_memory_used_bytes An estimate of the memory that the Java virtual machine is using for this buffer pool
      # TYPE jvm_buffer_memory_used_bytes gauge
      jvm_buffer_memory_used_bytes{id="direct"} 1048576.0
      jvm_buffer_memory_used_bytes{id="mapped"} 7.0
      jvm_buffer_memory_used_bytes{id="mapped - 'non-volatile memory'"} 0.0
      # TYPE jvm_threads_live_threads gauge
      jvm_threads_live_threads 42.0
      jvm_threads_live_threads_extra 1.0
      mqttlb_buffer_memory_bytes{area="direct"} 4194304.0
      mqttlb_buffer_memory_bytes{area="heap"} 0.0
      mqttlb_event_loop_lag_seconds 0.0015
      mqttlb_heap_after_gc_bytes 3.1457280E7
      process_files_open_files 97.0
      """;

  @Test
  void everySeriesReadsItsOwnSample() {
    assertEquals(30 * 1024 * 1024, NodeSeries.HEAP.read(SCRAPE));
    assertEquals(1048576, NodeSeries.DIRECT.read(SCRAPE));
    assertEquals(4194304, NodeSeries.BUFFER_DIRECT.read(SCRAPE));
    assertEquals(97, NodeSeries.FDS.read(SCRAPE));
    assertEquals(42, NodeSeries.THREADS.read(SCRAPE), "not the longer name sharing the prefix");
    assertEquals(0.0015, NodeSeries.EVENT_LOOP_LAG.read(SCRAPE));
  }

  @Test
  void samplesMatchingTheLabelsAreSummedAndAMissingMetricIsNaN() {
    assertEquals(7, PrometheusText.sum(SCRAPE, "jvm_buffer_memory_used_bytes", Map.of("id", "mapped")));
    assertEquals(1048583, PrometheusText.sum(SCRAPE, "jvm_buffer_memory_used_bytes", Map.of()));
    assertTrue(Double.isNaN(PrometheusText.sum(SCRAPE, "jvm_gc_pause_seconds", Map.of())));
    assertTrue(Double.isNaN(NodeSeries.HEAP.read("")));
  }
}
