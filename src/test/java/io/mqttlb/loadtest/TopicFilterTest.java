package io.mqttlb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFilterTest {
  @ParameterizedTest
  @CsvSource({
      "a/b, a/b, true", "a/b, a/c, false", "a/+, a/b, true", "a/+, a/b/c, false", "a/#, a/b/c, true",
      "a/#, a, true", "#, a/b, true", "#, $SYS/x, false", "+/b, $SYS/b, false", "+/+, a/b, true", "a/+/c, a//c, true"})
  void matchesAsTheSpecSays(String filter, String topic, boolean expected) {
    assertEquals(expected, TopicFilter.matches(filter, topic));
  }
}
