package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mqttlb.testing.Await;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Connection counts shared through a store: each node adds the other live members' published counts to its own
 * current ones, ignores members that left, publishes only changes, and withdraws its entry when it stops. Two
 * nodes share one in-process store here, whose membership the test sets.
 */
class TierConnectionsTest {
  /** In-process maps with a membership the test changes, telling the listeners as a cluster would. */
  private static final class TwoNodeStore implements StateStore {
    private final LocalStateStore maps = new LocalStateStore("shared");
    private final List<String> members = new CopyOnWriteArrayList<>(List.of("lb-1", "lb-2"));
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public SharedMap map(String name) {
      return maps.map(name);
    }

    @Override
    public boolean claimSeed(String nodeId) {
      return true;
    }

    @Override
    public List<String> members() {
      return List.copyOf(members);
    }

    void leave(String nodeId) {
      members.remove(nodeId);
      listeners.forEach(Runnable::run);
    }

    @Override
    public void onMembersChange(Runnable listener) {
      listeners.add(listener);
    }

    @Override
    public void onClusterMerge(Runnable beforeMerge, Runnable afterMerge) {
    }

    @Override
    public boolean clustered() {
      return true;
    }
  }

  private final TwoNodeStore store = new TwoNodeStore();
  private final Map<String, Long> onOne = new ConcurrentHashMap<>(Map.of("b1", 80L, "b2", 0L, "b3", 0L));
  private final Map<String, Long> onTwo = new ConcurrentHashMap<>(Map.of("b1", 0L, "b2", 5L, "b3", 0L));

  private TierConnections node(String id, Map<String, Long> placed) {
    return new TierConnections(id, store, TierConnections.openMap(store), () -> List.of("b1", "b2", "b3"),
        broker -> placed.getOrDefault(broker, 0L));
  }

  @Test
  void eachNodeCountsTheOthersPublishedConnectionsAndItsOwnCurrentOnes() throws InterruptedException {
    try (TierConnections one = node("lb-1", onOne); TierConnections two = node("lb-2", onTwo)) {
      one.start();
      two.start();
      Await.until("lb-2 sees lb-1's 80 on b1", () -> two.connections("b1") == 80);
      assertEquals(5, two.connections("b2"), "its own, as they are now");
      Await.until("lb-1 sees lb-2's 5 on b2", () -> one.connections("b2") == 5);

      onOne.put("b3", 7L); // a burst on lb-1 counts there at once, and on lb-2 after its next publication
      assertEquals(7, one.connections("b3"));
      Await.until("lb-2 sees lb-1's new clients", () -> two.connections("b3") == 7);
    }
  }

  @Test
  void aMemberThatLeftIsNotCounted() throws InterruptedException {
    try (TierConnections one = node("lb-1", onOne); TierConnections two = node("lb-2", onTwo)) {
      one.start();
      two.start();
      Await.until("lb-2 sees lb-1's clients", () -> two.connections("b1") == 80);
      store.leave("lb-1"); // its entry stays in the map (it did not stop cleanly)
      Await.until("lb-2 ignores the entry of a member that left", () -> two.connections("b1") == 0);
    }
  }

  @Test
  void aNodePublishesOnlyWhenItsCountsChangeAndWithdrawsItsEntryWhenItStops() throws InterruptedException {
    SharedMap map = TierConnections.openMap(store);
    List<String> writes = new CopyOnWriteArrayList<>();
    map.onEntryChange(new EntryChanges() {
      @Override
      public void put(String key, String value) {
        writes.add(key + " " + value);
      }

      @Override
      public void removed(String key) {
        writes.add(key + " removed");
      }

      @Override
      public void cleared() {
      }
    });
    TierConnections one = node("lb-1", onOne);
    one.start();
    Await.until("the first publication", () -> !writes.isEmpty());
    Thread.sleep(3 * TierConnections.PUBLISH_EVERY_MILLIS);
    assertEquals(List.of("lb-1 b1=80,b2=0,b3=0"), writes, "unchanged counts are not written again");
    onOne.put("b2", 1L);
    Await.until("the change is published", () -> writes.size() == 2);
    assertEquals("lb-1 b1=80,b2=1,b3=0", writes.get(1));
    one.close();
    assertEquals("lb-1 removed", writes.get(writes.size() - 1));
    assertNull(map.get("lb-1"));
  }

  @Test
  void unreadablePartsOfAnEntryAreSkipped() {
    Map<String, Long> sums = new HashMap<>();
    TierConnections.addCounts("b1=3,b2=x,=4,b3,b4=-2,b1=2", sums);
    TierConnections.addCounts("", sums);
    TierConnections.addCounts(null, sums);
    assertEquals(Map.of("b1", 5L), sums);
  }
}
