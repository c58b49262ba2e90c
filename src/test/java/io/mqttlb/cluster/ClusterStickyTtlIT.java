package io.mqttlb.cluster;

import static io.mqttlb.cluster.ClusterTier.NODES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sticky entries across the tier, with a short TTL: written when real clients connect, visible on
 * every node with the broker each client reached, and gone a TTL after the client's last
 * disconnect, while a client that stays connected keeps its entry.
 */
@EndToEnd
class ClusterStickyTtlIT {
  static final Duration TTL = Duration.ofSeconds(2);
  static ClusterTier tier;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTier() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults().withMode("table").withStickyTtl("2s"));
  }

  @AfterAll
  static void stopTier() {
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  void stickyEntriesShowTheBrokerReachedOnEveryNodeAndExpireATtlAfterTheLastDisconnect() throws Exception {
    // A client that stays connected for more than two TTLs, through node 2.
    Mqtt3BlockingClient stayer = Clients.mqtt3("ttl-stayer", tier.nodePort(2));
    long stayerConnected = System.currentTimeMillis();
    String stayerBroker;
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = stayer.publishes(MqttGlobalPublishFilter.ALL)) {
      stayer.connectWith().cleanSession(true).keepAlive(30).send();
      stayer.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt3Publish marker = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS).orElseThrow();
      stayerBroker = new String(marker.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    // Six clients that connect and leave, two through each node.
    long firstConnect = System.currentTimeMillis();
    Map<String, String> reached = new TreeMap<>();
    for (int i = 0; i < 6; i++) {
      String id = "ttl-short-" + i;
      reached.put(id, Clients.brokerReachedMqtt3(id, tier.nodePort(1 + i % NODES)));
    }
    long lastDisconnect = System.currentTimeMillis();
    assertTrue(reached.values().stream().distinct().count() > 1, "the clients reached several brokers: " + reached);

    // Within the TTL, every node lists each entry as sticky, with that broker, and routes by it.
    tier.awaitAll(Duration.ofMillis(1500), "the six sticky entries", node -> {
      Map<String, String> table = tier.tableEntries(node);
      return reached.entrySet().stream().allMatch(e -> ("sticky:" + e.getValue()).equals(table.get(e.getKey())));
    });
    for (int node = 1; node <= NODES; node++) {
      for (Map.Entry<String, String> client : reached.entrySet()) {
        JsonObject route = tier.route(node, client.getKey());
        assertEquals(client.getValue() + "/sticky", route.getString("broker") + "/" + route.getString("source"),
            client.getKey() + " on lb-" + node);
      }
    }
    // Each entry expires a TTL after the client left (give or take the write's own delay).
    for (Object o : tier.table(1, "prefix=ttl-short-").getJsonArray("entries")) {
      JsonObject entry = (JsonObject) o;
      long expiresAt = Instant.parse(entry.getString("expiresAt")).toEpochMilli();
      assertTrue(expiresAt >= firstConnect + TTL.toMillis() && expiresAt <= lastDisconnect + TTL.toMillis() + 1000,
          entry + ": expires " + (expiresAt - lastDisconnect) + " ms after the last disconnect, TTL " + TTL);
    }

    // Gone from every node's listing and routing soon after the TTL, not before.
    tier.awaitAll(Duration.ofSeconds(6), "the short clients' entries expired", node ->
        tier.table(node, "prefix=ttl-short-").getJsonArray("entries").isEmpty()
            && reached.keySet().stream().allMatch(id -> "ring".equals(tier.route(node, id).getString("source"))));
    long expiredAfter = System.currentTimeMillis() - firstConnect;
    assertTrue(expiredAfter >= TTL.toMillis(), "expired " + expiredAfter + " ms after the first connect; TTL " + TTL);
    System.err.printf("sticky entries gone from all nodes %d ms after the last disconnect (TTL %s)%n",
        System.currentTimeMillis() - lastDisconnect, TTL);

    // The client still connected keeps its entry, however long it stays: the TTL starts when it leaves.
    long waitMore = stayerConnected + 2 * TTL.toMillis() + 500 - System.currentTimeMillis();
    if (waitMore > 0) {
      Thread.sleep(waitMore);
    }
    for (int node = 1; node <= NODES; node++) {
      assertEquals("sticky:" + stayerBroker, tier.tableEntries(node).get("ttl-stayer"),
          "lb-" + node + ", " + (System.currentTimeMillis() - stayerConnected) + " ms after ttl-stayer connected");
    }
    // The node may see the client go anywhere inside disconnect(), which can take most of a second on a
    // loaded machine: the TTL is timed from the call's start, the earliest moment the client can have left.
    long stayerLeft = System.currentTimeMillis();
    stayer.disconnect();
    tier.awaitAll(Duration.ofSeconds(6), "ttl-stayer's entry expired",
        node -> !tier.tableEntries(node).containsKey("ttl-stayer"));
    long goneAfter = System.currentTimeMillis() - stayerLeft;
    assertTrue(goneAfter >= TTL.toMillis() - 300, "ttl-stayer's entry went " + goneAfter + " ms after it left; TTL " + TTL);

    // And the counts follow: no sticky entries are left anywhere.
    tier.awaitAll(Duration.ofSeconds(10), "sticky count 0", node -> tier.table(node, "limit=1").getLong("sticky") == 0);
  }
}
