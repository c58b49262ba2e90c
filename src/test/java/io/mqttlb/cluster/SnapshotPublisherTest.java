package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.routing.RoutingSnapshot;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node's routing snapshot follows the shared state, one new epoch per burst of changes. */
class SnapshotPublisherTest {
  private Vertx vertx;
  private TierState state;
  private SnapshotPublisher publisher;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    NodeConfig config = NodeConfig.defaults().withBrokers(List.of(new BrokerConfig("b1", "127.0.0.1", 1884, 1)));
    state = TierState.open(new LocalStateStore("lb-1"), config, "test");
    publisher = new SnapshotPublisher(vertx, state, 160);
    publisher.start();
  }

  @AfterEach
  void stop() throws Exception {
    state.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aBurstOfChangesMakesOneOrTwoSnapshotsNotOneEach() throws Exception {
    long before = publisher.current().epoch();
    for (int i = 2; i <= 101; i++) {
      state.putBroker(new BrokerConfig("b" + i, "127.0.0.1", 2000 + i, 1));
    }
    state.setMode(RoutingMode.TABLE);
    RoutingSnapshot after = awaitSnapshot(s -> s.brokers().size() == 101 && s.mode() == RoutingMode.TABLE);
    long epochs = after.epoch() - before;
    assertTrue(epochs >= 1 && epochs < 20, "101 changes made " + epochs + " snapshots");
    assertEquals("b10", after.broker("b10").id());
  }

  @Test
  void aChangeThatChangesNothingKeepsTheEpoch() throws Exception {
    state.putBroker(new BrokerConfig("b2", "127.0.0.1", 1885, 1));
    RoutingSnapshot withB2 = awaitSnapshot(s -> s.brokers().size() == 2);
    state.putBroker(new BrokerConfig("b2", "127.0.0.1", 1885, 1)); // the same value again
    Thread.sleep(100);
    assertEquals(withB2.epoch(), publisher.current().epoch());
  }

  @Test
  void drainingAndEnablingABrokerMakeNewSnapshots() throws Exception {
    state.putBroker(new BrokerConfig("b2", "127.0.0.1", 1885, 1));
    RoutingSnapshot withB2 = awaitSnapshot(s -> s.brokers().size() == 2);
    state.drain("b2");
    RoutingSnapshot drained = awaitSnapshot(s -> s.isDrained("b2"));
    assertTrue(drained.epoch() > withB2.epoch());
    assertEquals(java.util.Set.of("b2"), state.drained());
    assertEquals(withB2.brokers(), drained.brokers(), "a drained broker stays in the snapshot");
    state.enable("b2");
    RoutingSnapshot enabled = awaitSnapshot(s -> !s.isDrained("b2"));
    assertTrue(enabled.epoch() > drained.epoch());
    state.drain("b2");
    awaitSnapshot(s -> s.isDrained("b2"));
    state.removeBroker("b2");
    awaitSnapshot(s -> s.brokers().size() == 1);
    assertEquals(java.util.Set.of(), state.drained(), "removing a broker removes its flag");
  }

  private RoutingSnapshot awaitSnapshot(java.util.function.Predicate<RoutingSnapshot> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.test(publisher.current())) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("snapshot did not follow the state: " + publisher.current().brokers());
      }
      Thread.sleep(5);
    }
    return publisher.current();
  }
}
