package io.mqttlb.moves;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.cluster.LocalStateStore;
import io.mqttlb.cluster.SharedMap;
import io.mqttlb.cluster.StateStore;
import io.mqttlb.cluster.TierState;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.proxy.MovableClients;
import io.mqttlb.routing.BrokerAvailability;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.routing.TopologyChange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A what-if asks every member, and says which did not answer: one that stays silent past the
 * timeout, and one whose state lags (it has no broker the change removes), are reported as
 * incomplete rather than counted as nobody.
 */
class WhatIfVerticleTest {
  private static final List<BrokerConfig> TWO = List.of(
      new BrokerConfig("b1", "127.0.0.1", 1, 1), new BrokerConfig("b2", "127.0.0.1", 2, 1));
  /** A node whose listeners relay nobody. */
  private static final MovableClients NOBODY = new MovableClients() {
    @Override
    public Future<List<Client>> select(Predicate<RouteDecision> affected) {
      return Future.succeededFuture(List.of());
    }

    @Override
    public <T> Future<Survey<T>> survey(Function<RouteDecision, T> look) {
      return Future.succeededFuture(new Survey<>(0, List.of()));
    }
  };
  private Vertx vertx;
  private TierState state;

  /** This node's store, with members that are not this node. */
  private record Members(StateStore local, List<String> members) implements StateStore {
    @Override
    public SharedMap map(String name) {
      return local.map(name);
    }

    @Override
    public boolean claimSeed(String nodeId) {
      return true;
    }

    @Override
    public void onMembersChange(Runnable listener) {
    }

    @Override
    public void onClusterMerge(Runnable beforeMerge, Runnable afterMerge) {
    }

    @Override
    public boolean clustered() {
      return false;
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    state = TierState.open(new Members(new LocalStateStore("lb-1"), List.of("lb-1", "lb-silent", "lb-lagging")),
        NodeConfig.defaults().withNodeId("lb-1").withBrokers(TWO), "the test");
  }

  @AfterEach
  void stop() throws Exception {
    state.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static Router router(List<BrokerConfig> brokers) {
    RoutingSnapshot snapshot = RoutingSnapshot.of(1, brokers, 16);
    return new Router(() -> snapshot, KeyField.CLIENT_ID, BrokerAvailability.ALL);
  }

  @Test
  void silentAndLaggingMembersAreReportedNotCountedAsNobody() throws Exception {
    WhatIfVerticle asking = new WhatIfVerticle("lb-1", state, router(TWO), NOBODY);
    vertx.deployVerticle(asking).await(10, TimeUnit.SECONDS);
    vertx.deployVerticle(new WhatIfVerticle("lb-lagging", state, router(TWO.subList(0, 1)), NOBODY))
        .await(10, TimeUnit.SECONDS);
    vertx.eventBus().consumer(WhatIfVerticle.ADDRESS_PREFIX + "lb-silent", message -> {
      // takes the question and never answers
    }).completion().await(10, TimeUnit.SECONDS);

    PredictedClientMoves removeB2 = asking.predict(new TopologyChange(Set.of("b2"), Map.of(), Map.of(), Set.of()), 5)
        .await(10, TimeUnit.SECONDS);
    assertEquals(List.of("lb-1"), removeB2.answered());
    assertEquals(List.of("lb-silent", "lb-lagging"), removeB2.incomplete());
    assertEquals(0, removeB2.connected());

    PredictedClientMoves addB3 = asking.predict(new TopologyChange(Set.of(), Map.of("b3", 1), Map.of(), Set.of()), 5)
        .await(10, TimeUnit.SECONDS);
    assertEquals(List.of("lb-1", "lb-lagging"), addB3.answered(), "a change the lagging member can apply");
    assertEquals(List.of("lb-silent"), addB3.incomplete());
  }
}
