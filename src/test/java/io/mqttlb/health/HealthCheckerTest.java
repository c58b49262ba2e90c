package io.mqttlb.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.cluster.LocalStateStore;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One node's checks of a real Mosquitto that a test kills and restarts. The node is alone
 * (standalone store), so the tier's verdict is its own view.
 */
@EndToEnd
class HealthCheckerTest {
  private static final Duration INTERVAL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofMillis(250);
  private static final int RISE = 2;
  private static final int FALL = 2;

  private Vertx vertx;
  private MosquittoBroker broker;
  private TierHealth tier;
  private final Metrics metrics = new Metrics();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    broker = MosquittoBroker.start("b1");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    if (tier != null) {
      tier.close();
    }
    broker.close();
  }

  private HealthChecker deploy(HealthConfig config) throws Exception {
    LocalStateStore store = new LocalStateStore("lb-1");
    tier = new TierHealth("lb-1", store, TierHealth.openMap(store), metrics);
    tier.start();
    RoutingSnapshot snapshot = RoutingSnapshot.of(1, List.of(new BrokerConfig("b1", "127.0.0.1", broker.port(), 1)), 16);
    HealthChecker checker = new HealthChecker("lb-1", config, () -> snapshot, tier, metrics);
    vertx.deployVerticle(checker).await(10, TimeUnit.SECONDS);
    return checker;
  }

  /** Milliseconds until {@code condition} holds; fails after {@code limitMillis} × 3. */
  private static long millisUntil(String what, long limitMillis, BooleanSupplier condition) throws InterruptedException {
    long started = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(3 * limitMillis)) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(5);
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  @Test
  void aKilledBrokerIsDownWithinIntervalTimesFallPlusTimeoutAndUpAgainAfterItsRestart() throws Exception {
    deploy(new HealthConfig(INTERVAL, TIMEOUT, RISE, FALL, HealthProbeKind.MQTT));
    long upBound = INTERVAL.toMillis() * RISE + TIMEOUT.toMillis();
    millisUntil("first successful check", upBound, () -> metrics.healthCheckCount("b1", true) >= 1);
    assertTrue(tier.isAvailable("b1"));
    assertEquals(List.of(), tier.seenDownBy("b1"));
    assertEquals(null, tier.since("b1"), "the verdict never changed");

    long downBound = INTERVAL.toMillis() * FALL + TIMEOUT.toMillis();
    broker.kill();
    long down = millisUntil("b1 down", downBound, () -> !tier.isAvailable("b1"));
    System.out.printf("b1 down %d ms after the kill (bound %d ms)%n", down, downBound);
    assertTrue(down <= downBound, "down after " + down + " ms; bound " + downBound + " ms");
    assertEquals(List.of("lb-1"), tier.seenDownBy("b1"));
    assertTrue(tier.since("b1") != null);
    assertEquals(1, metrics.transitionCount("b1", false));
    assertTrue(metrics.healthCheckCount("b1", false) >= FALL);

    broker.restart();
    long up = millisUntil("b1 up", upBound, () -> tier.isAvailable("b1"));
    System.out.printf("b1 up %d ms after the restart (bound %d ms)%n", up, upBound);
    assertTrue(up <= upBound, "up after " + up + " ms; bound " + upBound + " ms");
    assertEquals(List.of(), tier.seenDownBy("b1"));
    assertEquals(1, metrics.transitionCount("b1", true));
    assertTrue(metrics.scrape().contains("mqttlb_broker_up{broker=\"b1\"} 1"), metrics.scrape());
  }

  @Test
  void probeNowConfirmsADeadBrokerBeforeItsNextScheduledCheck() throws Exception {
    Duration longInterval = Duration.ofSeconds(30);
    HealthChecker checker = deploy(new HealthConfig(longInterval, TIMEOUT, 1, FALL, HealthProbeKind.MQTT));
    // On a loaded machine the very first probe of a fresh JVM can miss its timeout; the next scheduled
    // one is 30 s away, so ask again (probeNow spaces its own probes) until one passes.
    millisUntil("first successful check", 5000, () -> {
      if (metrics.healthCheckCount("b1", true) >= 1) {
        return true;
      }
      checker.probeNow("b1");
      return false;
    });
    double failedBefore = metrics.healthCheckCount("b1", false);
    broker.kill();
    long started = System.nanoTime();
    for (int i = 0; i < FALL; i++) {
      Thread.sleep(2 * HealthChecker.PROBE_NOW_GAP_NANOS / 1_000_000); // a probe just before is not repeated
      checker.probeNow("b1"); // what a failed relay connect does
      checker.probeNow("b1"); // a burst asks once
    }
    millisUntil("b1 down", 2000, () -> !tier.isAvailable("b1"));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis < longInterval.toMillis() / 10, "down after " + millis + " ms");
    assertEquals(FALL, metrics.healthCheckCount("b1", false) - failedBefore, "each burst probed once");
    checker.probeNow("unknown"); // ignored
    assertFalse(tier.isAvailable("b1"));
  }
}
