package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.SourceAddressLimits;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-source-address gate on a hand-driven clock: counts, buckets, and entries that go away. */
class SourceAddressGateTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(0);
  private final InetAddress a = address("10.0.0.1");
  private final InetAddress b = address("10.0.0.2");

  private SourceAddressGate gate(int maxConnections, int connectRate) {
    return new SourceAddressGate(new SourceAddressLimits(maxConnections, connectRate), now::get);
  }

  @Test
  void offCountsNothing() {
    SourceAddressGate gate = gate(0, 0);
    assertFalse(gate.enabled());
    for (int i = 0; i < 1000; i++) {
      assertTrue(gate.admit(a));
    }
    assertEquals(0, gate.tracked());
  }

  @Test
  void maxConnectionsCountsOpenClientsPerAddress() {
    SourceAddressGate gate = gate(2, 0);
    assertTrue(gate.admit(a));
    assertTrue(gate.admit(a));
    assertFalse(gate.admit(a));
    assertTrue(gate.admit(b), "another address has its own count");
    gate.release(a);
    assertTrue(gate.admit(a), "a freed slot");
    assertFalse(gate.admit(a));
    gate.release(a);
    gate.release(a);
    gate.release(b);
    assertEquals(0, gate.tracked(), "an address with nothing open is forgotten");
  }

  @Test
  void connectRateAllowsABurstOfOneSecondThenTheRate() {
    SourceAddressGate gate = gate(0, 4);
    for (int i = 0; i < 4; i++) {
      assertTrue(gate.admit(a), "burst " + i);
    }
    assertFalse(gate.admit(a), "the bucket is empty");
    assertTrue(gate.admit(b), "another address has its own bucket");
    now.addAndGet(249 * MS);
    assertFalse(gate.admit(a), "not yet a quarter second");
    now.addAndGet(1 * MS);
    assertTrue(gate.admit(a), "one token a quarter second");
    assertFalse(gate.admit(a));
  }

  @Test
  void aRefusedConnectTakesNoTokenAndAClosedClientGivesNoneBack() {
    SourceAddressGate gate = gate(1, 2);
    assertTrue(gate.admit(a));
    assertFalse(gate.admit(a), "over maxConnections");
    gate.release(a);
    assertTrue(gate.admit(a), "the second token is still there");
    gate.release(a);
    assertFalse(gate.admit(a), "closing does not refill the bucket");
  }

  @Test
  void anAddressIsForgottenOnceNothingIsOpenAndItsBucketIsFull() {
    SourceAddressGate gate = gate(0, 2);
    assertTrue(gate.admit(a));
    gate.release(a);
    assertEquals(1, gate.tracked(), "kept while its bucket refills: reconnecting at once must not reset it");
    now.addAndGet(400 * MS);
    gate.sweep();
    assertEquals(1, gate.tracked());
    now.addAndGet(100 * MS);
    gate.sweep();
    assertEquals(0, gate.tracked());
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
