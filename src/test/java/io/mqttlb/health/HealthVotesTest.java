package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The majority rule, with the shared map's entries written out by hand. */
class HealthVotesTest {
  private static Map<String, String> entries(String... keyValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  private static Set<String> down(Map<String, String> entries, String... members) {
    return HealthVotes.count(entries, List.of(members)).down();
  }

  @Test
  void oneMemberDecidesAlone() {
    assertEquals(Set.of("b1"), down(entries("b1|lb-1", "down|1", "b2|lb-1", "up|1"), "lb-1"));
    assertEquals(Set.of(), down(entries("b1|lb-1", "up|2"), "lb-1"));
  }

  @Test
  void twoMembersNeedBoth() {
    Map<String, String> one = entries("b1|lb-1", "down|1", "b1|lb-2", "up|1");
    assertEquals(Set.of(), down(one, "lb-1", "lb-2"), "half is not a strict majority");
    Map<String, String> both = entries("b1|lb-1", "down|1", "b1|lb-2", "down|1");
    assertEquals(Set.of("b1"), down(both, "lb-1", "lb-2"));
  }

  @Test
  void threeMembersNeedTwo() {
    assertEquals(Set.of(), down(entries("b1|lb-1", "down|1"), "lb-1", "lb-2", "lb-3"));
    assertEquals(Set.of("b1"), down(entries("b1|lb-1", "down|1", "b1|lb-3", "down|1"), "lb-1", "lb-2", "lb-3"));
    assertEquals(Set.of("b1"),
        down(entries("b1|lb-1", "down|1", "b1|lb-2", "down|1", "b1|lb-3", "down|1"), "lb-1", "lb-2", "lb-3"));
  }

  @Test
  void membersThatDidNotReportCountAsUp() {
    // lb-2 and lb-3 have written nothing yet: one down vote of three members
    assertEquals(Set.of(), down(entries("b1|lb-1", "down|1"), "lb-1", "lb-2", "lb-3"));
  }

  @Test
  void entriesOfNodesThatAreNotMembersAreIgnored() {
    Map<String, String> map = entries("b1|lb-1", "down|1", "b1|gone-1", "down|1", "b1|gone-2", "down|1");
    assertEquals(Set.of(), down(map, "lb-1", "lb-2"), "two departed nodes do not outvote the live ones");
    HealthVotes votes = HealthVotes.count(map, List.of("lb-1", "lb-2"));
    assertEquals(List.of("lb-1"), votes.seenDownBy("b1"));
    assertEquals(Set.of("b1"), down(map, "lb-1"), "alone, lb-1 decides");
  }

  @Test
  void seenDownByListsTheLiveMembersThatSeeItDownSorted() {
    HealthVotes votes = HealthVotes.count(entries("b1|lb-3", "down|1", "b1|lb-1", "down|1", "b1|lb-2", "up|1"),
        List.of("lb-1", "lb-2", "lb-3"));
    assertEquals(List.of("lb-1", "lb-3"), votes.seenDownBy("b1"));
    assertEquals(List.of(), votes.seenDownBy("b2"));
    assertEquals(Set.of("b1"), votes.down());
  }

  @Test
  void unreadableEntriesAreIgnored() {
    assertEquals(Set.of(), down(entries("no-bar", "down|1", "|lb-1", "down|1", "b1|lb-1", "DOWN"), "lb-1"));
  }

  @Test
  void keysAndValuesHaveTheDocumentedShape() {
    assertEquals("b1|lb-1", HealthVotes.key("b1", "lb-1"));
    assertEquals("down|1700000000000", HealthVotes.value(false, 1_700_000_000_000L));
    assertEquals("up|5", HealthVotes.value(true, 5));
  }
}
