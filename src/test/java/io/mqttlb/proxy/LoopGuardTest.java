package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.metrics.Metrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The relay loop guard alone: the bound on identical pending CONNECTs, and what counts as the node's own listener. */
class LoopGuardTest {
  private final Metrics metrics = new Metrics();
  private final LoopGuard guard = new LoopGuard(metrics);

  @Test
  void distinctConnectsHaveDistinctFingerprints() {
    byte[] a = "\u0010\u0013\u0000\u0004MQTT\u0004\u0002\u0000\u003c\u0000\u0007sensor1".getBytes(StandardCharsets.ISO_8859_1);
    byte[] b = "\u0010\u0013\u0000\u0004MQTT\u0004\u0002\u0000\u003c\u0000\u0007sensor2".getBytes(StandardCharsets.ISO_8859_1);
    assertNotEquals(LoopGuard.fingerprint(a, 0, a.length), LoopGuard.fingerprint(b, 0, b.length));
    assertEquals(LoopGuard.fingerprint(a, 0, a.length), LoopGuard.fingerprint(a.clone(), 0, a.length));
    assertNotEquals(0, LoopGuard.fingerprint(new byte[0], 0, 0));
  }

  @Test
  void theSameConnectMayBePendingUpToTheBoundThenIsRefusedUntilOneIsAnswered() {
    long fingerprint = 42;
    for (int i = 0; i < LoopGuard.MAX_IDENTICAL_PENDING; i++) {
      assertTrue(guard.enter(fingerprint), "pending #" + (i + 1));
    }
    assertFalse(guard.enter(fingerprint), "one more is a loop");
    assertEquals(1, metrics.relayLoopCount(Metrics.LOOP_REPEATED_CONNECT));
    assertTrue(guard.enter(7), "other CONNECTs are not affected");
    guard.leave(fingerprint);
    assertTrue(guard.enter(fingerprint), "room again once one was answered");
    for (int i = 0; i < LoopGuard.MAX_IDENTICAL_PENDING; i++) {
      guard.leave(fingerprint);
    }
    guard.leave(7);
    assertEquals(0, guard.pendingCount(), "nothing is kept once every CONNECT was answered");
  }

  @Test
  void ownListenerIsTheSamePortOnTheListenersAddressOrAnyLocalAddressForAWildcard() {
    guard.listening(new InetSocketAddress("127.0.0.1", 1883));
    assertTrue(guard.isOwnListener(new InetSocketAddress("127.0.0.1", 1883)));
    assertFalse(guard.isOwnListener(new InetSocketAddress("127.0.0.1", 1884)), "another port");
    assertFalse(guard.isOwnListener(new InetSocketAddress("127.0.0.2", 1883)), "another address, specific listener");
    guard.listening(new InetSocketAddress("0.0.0.0", 8883));
    assertTrue(guard.isOwnListener(new InetSocketAddress("127.0.0.2", 8883)), "loopback, wildcard listener");
    assertFalse(guard.isOwnListener(new InetSocketAddress("192.0.2.10", 8883)), "not an address of this machine");
    guard.stoppedListening(new InetSocketAddress("0.0.0.0", 8883));
    assertFalse(guard.isOwnListener(new InetSocketAddress("127.0.0.2", 8883)), "stopped");
  }
}
