package io.mqttlb.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mqttlb.admission.AdmissionQueueTest.HandPacer;
import org.junit.jupiter.api.Test;

/** A node's share of a broker's tier-wide cap, and how it follows the cap and the tier's membership. */
class BrokerGateTest {
  @Test
  void eachNodeTakesTheCapDividedByTheLiveMembers() {
    assertEquals(300.0, BrokerGate.nodeShare(300, 1));
    assertEquals(100.0, BrokerGate.nodeShare(300, 3));
    assertEquals(150.0, BrokerGate.nodeShare(300, 2));
    assertEquals(200.0 / 3, BrokerGate.nodeShare(200, 3), 1e-9, "a share need not be whole");
    assertEquals(200.0, BrokerGate.nodeShare(200, 0), "a node always counts itself");
  }

  @Test
  void thePacerStartsAtTheShareAndFollowsMembershipAndCapChanges() {
    HandPacer pacer = new HandPacer(0);
    BrokerGate gate = new BrokerGate(300, 3, 10, rate -> {
      pacer.rate = rate;
      return pacer;
    });
    assertEquals(100.0, pacer.rate);
    gate.configure(300, 2); // a node left: the other two take its share
    assertEquals(150.0, pacer.rate);
    assertEquals(150.0, gate.rate());
    gate.configure(600, 2);
    assertEquals(300.0, pacer.rate);
    gate.configure(600, 4);
    assertEquals(150.0, pacer.rate);
  }

  @Test
  void aCapOfZeroOpensTheGateUntilACapComesBack() {
    HandPacer pacer = new HandPacer(0);
    BrokerGate gate = new BrokerGate(100, 1, 10, rate -> pacer);
    gate.configure(0, 1);
    assertEquals(Double.POSITIVE_INFINITY, gate.rate());
    assertEquals(true, gate.tryAcquire(), "open: no permit needed");
    gate.configure(50, 1);
    assertEquals(50.0, gate.rate());
    assertEquals(false, gate.tryAcquire(), "capped again: the pacer decides");
  }

  @Test
  void aGateNeedsACap() {
    assertThrows(IllegalArgumentException.class, () -> new BrokerGate(0, 1, 10, rate -> new HandPacer(rate)));
  }
}
