package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import io.mqttlb.config.SelfAddress.Listener;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The self-loop rule with a fake resolver, so that names resolve the same on every machine:
 * {@code broker.internal} is another host, {@code me.internal} this host's loopback, {@code gone}
 * resolves to nothing and {@code slow} never answers.
 */
class SelfAddressTest {
  private static final Map<String, String> DNS = Map.of(
      "broker.internal", "192.0.2.10",
      "me.internal", "127.0.0.1",
      "listener.internal", "192.0.2.20",
      "six.internal", "::1");

  private final AtomicInteger lookups = new AtomicInteger();

  private List<InetAddress> resolve(String host) throws UnknownHostException {
    lookups.incrementAndGet();
    if (host.equals("slow")) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String address = DNS.get(host);
    if (address == null) {
      throw new UnknownHostException(host);
    }
    return List.of(InetAddresses.forString(address));
  }

  private SelfAddress self(Listener... listeners) {
    return new SelfAddress(List.of(listeners), this::resolve, Duration.ofMillis(200));
  }

  private static Listener listener(String host, int port) {
    return new Listener("tcp", host, port);
  }

  private static boolean loops(SelfAddress self, String host, int port) {
    return self.listenerAt(host, port).isPresent();
  }

  @Test
  void aSpecificListenerIsReachedOnlyThroughItsOwnAddress() {
    SelfAddress self = self(listener("127.0.0.1", 1883));
    assertTrue(loops(self, "127.0.0.1", 1883));
    assertTrue(loops(self, "me.internal", 1883));
    assertTrue(loops(self, "0.0.0.0", 1883), "a connect to 0.0.0.0 goes to 127.0.0.1");
    assertEquals(false, loops(self, "127.0.0.2", 1883), "the listener binds 127.0.0.1 only");
    assertEquals(false, loops(self, "127.0.0.1", 1884));
    assertEquals(false, loops(self, "broker.internal", 1883));
  }

  @Test
  void aListenerNamedByAHostNameIsReachedThroughWhatItResolvesTo() {
    SelfAddress self = self(listener("listener.internal", 1883));
    assertTrue(loops(self, "192.0.2.20", 1883));
    assertTrue(loops(self, "LISTENER.internal", 1883), "the same name, in any case");
    assertEquals(false, loops(self, "127.0.0.1", 1883));
  }

  @Test
  void anIpv4WildcardTakesEveryLocalIpv4AddressButNoIpv6() {
    SelfAddress self = self(listener("0.0.0.0", 1883));
    assertTrue(loops(self, "127.0.0.1", 1883));
    assertTrue(loops(self, "127.3.4.5", 1883), "all of 127/8 is loopback");
    assertTrue(loops(self, "me.internal", 1883));
    assertTrue(loops(self, "0.0.0.0", 1883));
    assertEquals(false, loops(self, "::1", 1883));
    assertEquals(false, loops(self, "six.internal", 1883));
    assertEquals(false, loops(self, "broker.internal", 1883));
  }

  @Test
  void anIpv6WildcardIsDualStack() {
    SelfAddress self = self(listener("::", 1883));
    assertTrue(loops(self, "::1", 1883));
    assertTrue(loops(self, "six.internal", 1883));
    assertTrue(loops(self, "127.0.0.1", 1883));
    assertTrue(loops(self, "::", 1883));
    assertEquals(false, loops(self, "broker.internal", 1883));
  }

  @Test
  void aLocalInterfaceAddressReachesAWildcardListener() throws Exception {
    String local = ConfigLoaderTest.nonLoopbackLocalIpv4();
    Assumptions.assumeTrue(local != null, "this machine has no non-loopback IPv4 interface address");
    assertTrue(loops(self(listener("0.0.0.0", 1883)), local, 1883));
    assertEquals(false, loops(self(listener("127.0.0.1", 1883)), local, 1883));
  }

  @Test
  void aNameThatDoesNotResolveIsNotALoopWeCanSee() {
    SelfAddress self = self(listener("0.0.0.0", 1883));
    assertEquals(false, loops(self, "gone", 1883));
    long started = System.nanoTime();
    assertEquals(false, loops(self, "slow", 1883));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis < 5_000, "a hung lookup is given up after the timeout, took " + millis + " ms");
  }

  @Test
  void namesAreLookedUpOnlyForAListenersPort() {
    SelfAddress self = self(listener("0.0.0.0", 1883), listener("127.0.0.1", 8883));
    assertEquals(false, loops(self, "broker.internal", 1884));
    assertEquals(0, lookups.get());
    assertEquals(false, loops(self, "broker.internal", 1883));
    assertEquals(1, lookups.get());
  }

  @Test
  void theProblemNamesTheBrokerAddressAndTheListener() {
    SelfAddress self = SelfAddress.of(List.of(new Listener("edge", "::", 1883)));
    assertEquals(Optional.of("'[::1]:1883' is this node's own listener 'edge' ([::]:1883):"
        + " the node would relay its clients to itself"), self.loopProblem(BrokerConfig.of("b1", "[::1]:1883", 1)));
    assertEquals(Optional.empty(), self.loopProblem(BrokerConfig.of("b1", "[::1]:1884", 1)));
  }

  @Test
  void listenersOnPortZeroAreLeftOutUntilTheirPortIsKnown() {
    assertEquals(List.of(new Listener("a", "0.0.0.0", 1883)), SelfAddress.configured(List.of(
        new ListenerConfig("a", "0.0.0.0", 1883), new ListenerConfig("b", "127.0.0.1", 0))));
  }
}
