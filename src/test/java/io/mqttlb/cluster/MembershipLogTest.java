package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one line per membership change that stands in for Hazelcast's member lists. */
class MembershipLogTest {
  @Test
  void theFirstReadingNamesTheMembers() {
    assertEquals(Optional.of("node lb-2 is in the tier: members [lb-1, lb-2]"),
        MembershipLog.describe("lb-2", List.of(), List.of("lb-2", "lb-1")));
  }

  @Test
  void aJoinAndALeaveNameTheNodeAndTheMembersAfter() {
    assertEquals(Optional.of("node lb-1 sees lb-3 join the tier: members [lb-1, lb-2, lb-3]"),
        MembershipLog.describe("lb-1", List.of("lb-1", "lb-2"), List.of("lb-1", "lb-3", "lb-2")));
    assertEquals(Optional.of("node lb-2 sees lb-1 leave the tier: members [lb-2, lb-3]"),
        MembershipLog.describe("lb-2", List.of("lb-1", "lb-2", "lb-3"), List.of("lb-2", "lb-3")));
    assertEquals(Optional.of("node lb-1 sees lb-4 join and lb-2, lb-3 leave the tier: members [lb-1, lb-4]"),
        MembershipLog.describe("lb-1", List.of("lb-1", "lb-2", "lb-3"), List.of("lb-4", "lb-1")));
  }

  @Test
  void theSameMembersInAnotherOrderAreNoChange() {
    assertEquals(Optional.empty(), MembershipLog.describe("lb-1", List.of("lb-1", "lb-2"), List.of("lb-2", "lb-1")));
  }

  @Test
  void followingWritesTheMembersThenOneLinePerChange() {
    Members store = new Members("lb-1", "lb-2");
    List<String> lines = new ArrayList<>();
    MembershipLog.follow("lb-1", store, lines::add);
    store.change("lb-1", "lb-2", "lb-3");
    store.listener.run(); // a second event that the first reading already covered
    store.change("lb-1", "lb-3");
    assertEquals(List.of(
        "node lb-1 is in the tier: members [lb-1, lb-2]",
        "node lb-1 sees lb-3 join the tier: members [lb-1, lb-2, lb-3]",
        "node lb-1 sees lb-2 leave the tier: members [lb-1, lb-3]"), lines);
  }

  @Test
  void aStandaloneNodeHasNoTierToReport() {
    List<String> lines = new ArrayList<>();
    MembershipLog.follow("lb-1", new LocalStateStore("lb-1"), lines::add);
    assertEquals(List.of(), lines);
  }

  /** The membership part of a clustered store, changed by the test. */
  private static final class Members implements StateStore {
    private List<String> members;
    private Runnable listener = () -> {};

    Members(String... members) {
      this.members = List.of(members);
    }

    void change(String... now) {
      members = List.of(now);
      listener.run();
    }

    @Override
    public List<String> members() {
      return members;
    }

    @Override
    public void onMembersChange(Runnable listener) {
      this.listener = listener;
    }

    @Override
    public boolean clustered() {
      return true;
    }

    @Override
    public SharedMap map(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean claimSeed(String nodeId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void onClusterMerge(Runnable beforeMerge, Runnable afterMerge) {
      throw new UnsupportedOperationException();
    }
  }
}
