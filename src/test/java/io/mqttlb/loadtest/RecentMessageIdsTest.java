package io.mqttlb.loadtest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecentMessageIdsTest {
  @Test
  void anIdSeenBeforeIsNotNew() {
    RecentMessageIds ids = new RecentMessageIds();
    assertTrue(ids.firstTime(1));
    assertTrue(ids.firstTime(2));
    assertFalse(ids.firstTime(1));
    assertFalse(ids.firstTime(2));
    assertTrue(ids.firstTime(3));
  }

  @Test
  void remembersTheLastCapacityIdsAndForgetsOlderOnes() {
    RecentMessageIds ids = new RecentMessageIds();
    for (long id = 0; id < RecentMessageIds.CAPACITY + 10; id++) {
      assertTrue(ids.firstTime(id));
    }
    for (long id = 10; id < RecentMessageIds.CAPACITY + 10; id++) {
      assertFalse(ids.firstTime(id), "id " + id + " is among the last " + RecentMessageIds.CAPACITY);
    }
    assertTrue(ids.firstTime(0), "the oldest were forgotten");
  }
}
