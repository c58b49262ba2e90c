package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.FaultRelay;
import io.mqttlb.testing.MosquittoBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One real node in front of three real Mosquitto processes, driven by real MQTT client libraries.
 * Where a client landed is read from the broker itself (its retained marker), never from the node.
 */
@EndToEnd
class NodeEndToEndTest {
  private static LocalTier tier;
  private static BalancerNode node;

  @BeforeAll
  static void startTier() throws Exception {
    tier = LocalTier.start(3);
    node = tier.node;
  }

  @AfterAll
  static void stopTier() throws Exception {
    tier.close();
  }

  private static String predicted(String clientId) {
    return tier.ringOwner(clientId);
  }

  private static MosquittoBroker broker(String id) {
    return tier.broker(id);
  }

  @Test
  void everyClientLandsOnTheBrokerTheRingPredicts() {
    Map<String, Integer> perBroker = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      String clientId = "device-" + i;
      // Half MQTT 3.1.1, half MQTT 5: both protocol versions route the same way.
      String reached = i % 2 == 0 ? Clients.brokerReachedMqtt3(clientId, node.port())
          : Clients.brokerReachedMqtt5(clientId, node.port());
      assertEquals(predicted(clientId), reached, "client " + clientId);
      perBroker.merge(reached, 1, Integer::sum);
    }
    assertEquals(3, perBroker.size(), "200 clients reach all three brokers: " + perBroker);
  }

  @Test
  void persistentSessionMqtt311KeepsItsQueuedMessagesAcrossReconnect() throws Exception {
    String clientId = "persistent-311";
    String topic = "sessions/" + clientId;
    Mqtt3BlockingClient client = Clients.mqtt3(clientId, node.port());
    client.connectWith().cleanSession(false).keepAlive(30).send();
    client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    client.disconnect();

    int queued = publishDirectly(broker(predicted(clientId)), topic, 25);

    Mqtt3BlockingClient again = Clients.mqtt3(clientId, node.port());
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = again.publishes(MqttGlobalPublishFilter.ALL)) {
      assertTrue(again.connectWith().cleanSession(false).keepAlive(30).send().isSessionPresent(),
          "the broker still has the session");
      Set<String> received = new HashSet<>();
      while (received.size() < queued) {
        Optional<Mqtt3Publish> message = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(message.isPresent(), "received " + received.size() + " of " + queued);
        received.add(new String(message.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
      }
      assertEquals(queued, received.size());
    } finally {
      again.disconnect();
    }
  }

  @Test
  void persistentSessionMqtt5KeepsItsQueuedMessagesAcrossReconnect() throws Exception {
    String clientId = "persistent-5";
    String topic = "sessions/" + clientId;
    Mqtt5BlockingClient client = Clients.mqtt5(clientId, node.port());
    client.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
    client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    client.disconnect();

    int queued = publishDirectly(broker(predicted(clientId)), topic, 25);

    Mqtt5BlockingClient again = Clients.mqtt5(clientId, node.port());
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = again.publishes(MqttGlobalPublishFilter.ALL)) {
      assertTrue(again.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent(),
          "the broker still has the session");
      Set<String> received = new HashSet<>();
      while (received.size() < queued) {
        Optional<Mqtt5Publish> message = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(message.isPresent(), "received " + received.size() + " of " + queued);
        received.add(new String(message.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      again.disconnect();
    }
  }

  /** Publishes QoS 1 messages straight to a broker, bypassing the node. */
  private static int publishDirectly(MosquittoBroker broker, String topic, int count) {
    Mqtt3BlockingClient publisher = Clients.mqtt3("publisher-" + topic.hashCode(), broker.port());
    publisher.connect();
    for (int i = 0; i < count; i++) {
      publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
          .payload(("message-" + i).getBytes(StandardCharsets.UTF_8)).send();
    }
    publisher.disconnect();
    return count;
  }

  @Test
  void lastMessagesBeforeADisconnectAreFlushedToTheBroker() throws Exception {
    // QoS 0 has no acknowledgement: the publish and the DISCONNECT are written, the socket closed at
    // once. Closing the relay must flush them to the broker, not drop them.
    String clientId = "flush-then-close";
    MosquittoBroker target = broker(predicted(clientId));
    Mqtt3BlockingClient subscriber = Clients.mqtt3("flush-watcher", target.port());
    subscriber.connect();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
      subscriber.subscribeWith().topicFilter("flush/#").qos(MqttQos.AT_MOST_ONCE).send();
      int rounds = 30;
      for (int i = 0; i < rounds; i++) {
        Mqtt3BlockingClient client = Clients.mqtt3(clientId, node.port());
        client.connect();
        client.publishWith().topic("flush/" + i).qos(MqttQos.AT_MOST_ONCE)
            .payload(new byte[1000]).send();
        client.disconnect();
      }
      for (int i = 0; i < rounds; i++) {
        assertTrue(publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS).isPresent(),
            "received " + i + " of " + rounds + " last-gasp publishes");
      }
    } finally {
      subscriber.disconnect();
    }
  }

  @Test
  void mqtt31ClientIsRoutedByItsClientId() throws Exception {
    String clientId = "paho-mqtt31";
    MqttClient client = new MqttClient("tcp://127.0.0.1:" + node.port(), clientId, new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
    options.setCleanSession(true);
    java.util.concurrent.CompletableFuture<String> marker = new java.util.concurrent.CompletableFuture<>();
    client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {
        marker.completeExceptionally(cause);
      }

      @Override
      public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
        marker.complete(new String(message.getPayload(), StandardCharsets.UTF_8));
      }

      @Override
      public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
      }
    });
    client.connect(options);
    try {
      client.subscribe(MosquittoBroker.MARKER_TOPIC, 1);
      assertEquals(predicted(clientId), marker.get(10, TimeUnit.SECONDS));
    } finally {
      client.disconnect();
      client.close();
    }
  }

  @Test
  void connectWrittenOneByteAtATimeIsRouted() throws Exception {
    String clientId = "dribbling-client";
    try (FaultRelay relay = new FaultRelay(node.port(), 64, 2)) {
      assertEquals(predicted(clientId), Clients.brokerReachedMqtt3(clientId, relay.port()));
      assertEquals(predicted(clientId + "-v5"), Clients.brokerReachedMqtt5(clientId + "-v5", relay.port()));
    }
  }

  @Test
  void adminApiAnswersHealthRouteAndMetrics() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + node.adminPort();
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("\"UP\""), health.body());

    for (String clientId : List.of("sensor-1", "sensor-2", "truck-17")) {
      HttpResponse<String> route = http.send(HttpRequest.newBuilder(
          URI.create(base + "/api/v1/route?clientId=" + clientId)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, route.statusCode());
      io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject(route.body());
      assertEquals(predicted(clientId), body.getString("broker"));
      assertEquals("ring", body.getString("source"));
      assertEquals(clientId, body.getString("key"));
    }
    HttpResponse<String> byUser = http.send(HttpRequest.newBuilder(
        URI.create(base + "/api/v1/route?username=alice")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("alice", new io.vertx.core.json.JsonObject(byUser.body()).getString("key"));
    assertEquals("username", new io.vertx.core.json.JsonObject(byUser.body()).getString("keySource"));

    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/route")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, missing.statusCode());
    assertTrue(missing.body().contains("\"error\""), missing.body());

    Clients.brokerReachedMqtt3("metrics-probe", node.port());
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    for (String name : List.of("mqttlb_connections_total{broker=\"" + predicted("metrics-probe") + "\"}",
        "mqttlb_connections_active{broker=", "mqttlb_broker_connect_seconds_bucket{broker=", "mqttlb_clients_active")) {
      assertTrue(metrics.body().contains(name), "metrics expose " + name);
    }
  }
}
