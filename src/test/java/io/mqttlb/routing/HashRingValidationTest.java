package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input fails at build time with a message that names the field and the value. */
class HashRingValidationTest {

  @Test
  void memberIdMustBeNonEmpty() {
    var empty = assertThrows(IllegalArgumentException.class, () -> new RingMember("", 1));
    assertEquals("id (\"\") must be non-empty", empty.getMessage());
    var nul = assertThrows(IllegalArgumentException.class, () -> new RingMember(null, 1));
    assertEquals("id (null) must be non-empty", nul.getMessage());
  }

  @Test
  void memberWeightMustBePositive() {
    var e = assertThrows(IllegalArgumentException.class, () -> new RingMember("b1", 0));
    assertEquals("weight (0) of member b1 must be >= 1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RingMember("b1", -3));
  }

  @Test
  void virtualNodesMustBePositive() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HashRing.build(List.of(new RingMember("b1", 1)), 0));
    assertEquals("virtualNodes (0) must be >= 1", e.getMessage());
  }

  @Test
  void duplicateIdsAreRejectedByName() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HashRing.build(
                    List.of(
                        new RingMember("b2", 1), new RingMember("b1", 1), new RingMember("b2", 2)),
                    160));
    assertEquals("duplicate member id b2", e.getMessage());
  }

  @Test
  void absurdRingSizeFailsFastInsteadOfRunningOutOfMemory() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HashRing.build(List.of(new RingMember("b1", 1_000_000)), 160));
    assertTrue(e.getMessage().startsWith("ring size (160000000 points"), e.getMessage());
  }

  @Test
  void nullsAreRejected() {
    assertThrows(NullPointerException.class, () -> HashRing.build(null, 160));
    List<RingMember> withNull = new ArrayList<>();
    withNull.add(new RingMember("b1", 1));
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> HashRing.build(withNull, 160));
  }

  @Test
  void membersListIsUnmodifiable() {
    HashRing ring = HashRing.build(List.of(new RingMember("b1", 1)), 4);
    assertThrows(
        UnsupportedOperationException.class, () -> ring.members().add(new RingMember("b2", 1)));
  }
}
