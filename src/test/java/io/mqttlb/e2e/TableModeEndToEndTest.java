package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.RoutingConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Table mode on one real node in front of real Mosquitto brokers: sticky entries
 * record where clients went, keep them there when the ring changes, live {@code stickyTtl} after
 * the last disconnect (and as long as the client stays connected), and stay within maxEntries.
 */
@EndToEnd
class TableModeEndToEndTest {

  private static RoutingConfig table(Duration stickyTtl, long maxEntries) {
    return RoutingConfig.defaults().withMode(RoutingMode.TABLE).withTable(stickyTtl, maxEntries);
  }

  @Test
  void stickyEntriesKeepClientsOnTheirBrokerWhenABrokerIsAdded() throws Exception {
    try (LocalTier tier = LocalTier.start(3, c -> c.withRouting(table(Duration.ofMinutes(30), 1000)));
         MosquittoBroker b4 = MosquittoBroker.start("b4")) {
      Map<String, String> reached = new LinkedHashMap<>();
      for (int i = 0; i < 60; i++) {
        String clientId = "table-" + i;
        reached.put(clientId, Clients.brokerReachedMqtt3(clientId, tier.port()));
        assertEquals(tier.ringOwner(clientId), reached.get(clientId), "the ring decides a new client");
      }
      Await.until("sticky entries written", () -> tier.node.state().stickyCount() == 60);
      reached.forEach((clientId, broker) -> assertEquals(broker, tier.node.state().stickyBroker(clientId), clientId));

      tier.node.state().putBroker(new BrokerConfig("b4", "127.0.0.1", b4.port(), 1));
      Await.until("b4 in the routing snapshot", () -> tier.node.snapshot().brokers().size() == 4);
      List<String> newOwnerB4 = new ArrayList<>();
      for (Map.Entry<String, String> client : reached.entrySet()) {
        RouteDecision decision = tier.node.router().route(client.getKey(), null, null);
        assertEquals(RouteDecision.SOURCE_STICKY, decision.source());
        if (!ringWith4(tier, client.getKey()).equals(client.getValue())) {
          newOwnerB4.add(client.getKey());
        }
        assertEquals(client.getValue(), Clients.brokerReachedMqtt3(client.getKey(), tier.port()),
            client.getKey() + " stays with its session");
      }
      assertTrue(newOwnerB4.size() >= 5, "the new ring gives some of these clients to b4: " + newOwnerB4);
      // A client the tier has not seen goes where the new ring says, and b4 takes clients.
      String fresh = firstKeyOwnedBy(tier, "b4");
      assertEquals("b4", Clients.brokerReachedMqtt3(fresh, tier.port()));
    }
  }

  /** The ring owner of a key in the node's current snapshot, ignoring the table. */
  private static String ringWith4(LocalTier tier, String clientId) {
    RoutingSnapshot snapshot = tier.node.snapshot();
    return snapshot.broker(snapshot.ring().lookup(RingHash.hashKey(clientId))).id();
  }

  private static String firstKeyOwnedBy(LocalTier tier, String brokerId) {
    for (int i = 0; ; i++) {
      String key = "fresh-" + i;
      RouteDecision decision = tier.node.router().route(key, null, null);
      if (decision.broker().id().equals(brokerId)) {
        assertEquals(RouteDecision.SOURCE_RING, decision.source());
        return key;
      }
    }
  }

  @Test
  void stickyTtlCountsFromTheLastDisconnectAndSpansLongConnections() throws Exception {
    Duration ttl = Duration.ofSeconds(2);
    try (LocalTier tier = LocalTier.start(3, c -> c.withRouting(table(ttl, 1000)))) {
      Mqtt3BlockingClient client = Clients.mqtt3("long-lived", tier.port());
      client.connectWith().cleanSession(true).send();
      String broker = tier.ringOwner("long-lived");
      Await.until("entry written on connect", () -> broker.equals(tier.node.state().stickyBroker("long-lived")));
      Thread.sleep(ttl.toMillis() * 2); // connected for twice the TTL: the node keeps refreshing the entry
      assertEquals(broker, tier.node.state().stickyBroker("long-lived"), "a connected client keeps its entry");
      client.disconnect();
      Thread.sleep(ttl.toMillis() / 2);
      assertEquals(broker, tier.node.state().stickyBroker("long-lived"), "alive until a TTL after the disconnect");
      Await.until("entry expired a TTL after the disconnect", () -> tier.node.state().stickyBroker("long-lived") == null);
      assertNull(tier.node.state().stickyBroker("long-lived"));
    }
  }

  @Test
  void theTableStaysWithinMaxEntries() throws Exception {
    try (LocalTier tier = LocalTier.start(3, c -> c.withRouting(table(Duration.ofMinutes(30), 20)))) {
      for (int i = 0; i < 60; i++) {
        Clients.brokerReachedMqtt3("bounded-" + i, tier.port());
      }
      Await.until("evictions happened", () -> tier.node.state().stickyEvictions() >= 40);
      Thread.sleep(1500); // one more enforcement pass of the writer
      long size = tier.node.state().stickyCount();
      assertTrue(size > 0 && size <= 20, "sticky entries: " + size);
      // The newest entries survive: the last client is still in the table.
      assertNotEquals(null, tier.node.state().stickyBroker("bounded-59"));
    }
  }

  @Test
  void hashModeWritesNoStickyEntries() throws Exception {
    try (LocalTier tier = LocalTier.start(2)) {
      for (int i = 0; i < 10; i++) {
        Clients.brokerReachedMqtt3("hash-" + i, tier.port());
      }
      Thread.sleep(300);
      assertEquals(0, tier.node.state().stickyCount());
    }
  }
}
