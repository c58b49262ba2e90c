package io.mqttlb.cluster;

import static io.mqttlb.cluster.ClusterTier.NODES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttlb.routing.HashRing;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes in three JVMs, three Mosquitto brokers: every node routes every client the same way,
 * and a client with a persistent session finds it through whichever node it reconnects.
 */
class ClusterRoutingIT {
  static ClusterTier tier;

  @RegisterExtension
  static final KeepLogsOnFailure logs = new KeepLogsOnFailure(() -> tier);

  @BeforeAll
  static void startTier() throws Exception {
    tier = ClusterTier.start(ClusterTier.Options.defaults().withMode("hash"));
  }

  @AfterAll
  static void stopTier() {
    if (tier != null) {
      tier.close();
    }
  }

  /** Client ids of many shapes (short, long, unicode, reserved URL characters), the same every run. */
  static List<String> clientIds(int count, long seed) {
    Random random = new Random(seed);
    String alphabet = "abcXYZ019-_/+#&=?%. é€漢😀";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (i % 5 != 0) {
        ids.add("client-" + i);
        continue;
      }
      StringBuilder id = new StringBuilder();
      int length = 1 + random.nextInt(i % 50 == 0 ? 300 : 24);
      int[] codePoints = alphabet.codePoints().toArray();
      for (int c = 0; c < length; c++) {
        id.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
      }
      ids.add(id.append('~').append(i).toString()); // unique
    }
    return ids;
  }

  @Test
  void hashModeRoutesOfFiveThousandClientsAgreeOnAllNodesAndFollowTheRing() throws Exception {
    List<String> ids = clientIds(5000, 1);
    HashRing ring = ClusterTier.expectedRing(ClusterTier.equalWeights());
    Map<String, String> expected = new HashMap<>();
    for (String id : ids) {
      expected.put(id, ClusterTier.ringOwner(ring, id) + "/ring");
    }
    Map<String, Integer> perBroker = new TreeMap<>();
    expected.values().forEach(v -> perBroker.merge(v, 1, Integer::sum));
    assertEquals(3, perBroker.size(), "the ids spread over all brokers: " + perBroker);

    for (int node = 1; node <= NODES; node++) {
      assertEquals("hash", tier.mode(node));
      Map<String, String> answers = tier.routes(node, ids);
      assertSameRoutes(expected, answers, "lb-" + node);
    }
  }

  static void assertSameRoutes(Map<String, String> expected, Map<String, String> actual, String who) {
    assertEquals(expected.size(), actual.size(), who + ": number of answers");
    List<String> differences = new ArrayList<>();
    expected.forEach((id, route) -> {
      if (!route.equals(actual.get(id))) {
        differences.add(id + ": expected " + route + ", got " + actual.get(id));
      }
    });
    assertTrue(differences.isEmpty(), who + " differs on " + differences.size() + " of " + expected.size()
        + " ids, e.g. " + differences.subList(0, Math.min(10, differences.size())));
  }

  // ---- persistent sessions across nodes ----

  private static final int QUEUED = 10;

  @Test
  void mqtt3PersistentSessionFollowsTheClientThroughEveryNode() throws Exception {
    String clientId = "persistent-3.1.1";
    String topic = "it/persistent/" + clientId;
    String broker = tier.route(1, clientId).getString("broker");
    for (int node = 2; node <= NODES; node++) {
      assertEquals(broker, tier.route(node, clientId).getString("broker"), "lb-" + node + " routes " + clientId);
    }

    // Through node 1: a new session, subscribed at QoS 1; the broker names itself.
    Session3 first = Session3.connect(clientId, tier.nodePort(1));
    assertTrue(!first.sessionPresent, "a fresh broker has no session for " + clientId);
    first.client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    assertEquals(broker, first.marker());
    first.client.disconnect();

    List<String> sent = publishWhileAway(broker, topic, "a", 2);
    Session3 second = Session3.connect(clientId, tier.nodePort(2));
    assertTrue(second.sessionPresent, "lb-2 took " + clientId + " to the broker that holds its session");
    assertEquals(sent, second.receive(topic, sent.size()));
    assertEquals(broker, second.marker());
    second.client.disconnect();

    sent = publishWhileAway(broker, topic, "b", 1);
    Session3 third = Session3.connect(clientId, tier.nodePort(3));
    assertTrue(third.sessionPresent, "lb-3 took " + clientId + " to the broker that holds its session");
    assertEquals(sent, third.receive(topic, sent.size()));
    assertEquals(broker, third.marker());
    third.client.disconnect();
  }

  @Test
  void mqtt5SessionWithExpiryFollowsTheClientThroughEveryNode() throws Exception {
    String clientId = "persistent-5";
    String topic = "it/persistent/" + clientId;
    String broker = tier.route(1, clientId).getString("broker");
    for (int node = 2; node <= NODES; node++) {
      assertEquals(broker, tier.route(node, clientId).getString("broker"), "lb-" + node + " routes " + clientId);
    }

    Session5 first = Session5.connect(clientId, tier.nodePort(1));
    assertTrue(!first.sessionPresent, "a fresh broker has no session for " + clientId);
    first.client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
    assertEquals(broker, first.marker());
    first.client.disconnect();

    List<String> sent = publishWhileAway(broker, topic, "a", 3);
    Session5 second = Session5.connect(clientId, tier.nodePort(2));
    assertTrue(second.sessionPresent, "lb-2 took " + clientId + " to the broker that holds its session");
    assertEquals(sent, second.receive(topic, sent.size()));
    assertEquals(broker, second.marker());
    second.client.disconnect();

    sent = publishWhileAway(broker, topic, "b", 2);
    Session5 third = Session5.connect(clientId, tier.nodePort(3));
    assertTrue(third.sessionPresent, "lb-3 took " + clientId + " to the broker that holds its session");
    assertEquals(sent, third.receive(topic, sent.size()));
    assertEquals(broker, third.marker());
    third.client.disconnect();
  }

  /**
   * Publishes {@link #QUEUED} QoS 1 messages for an absent subscriber: half straight to its broker,
   * half through node {@code viaNode} by a publisher whose own client id routes to that broker.
   */
  private static List<String> publishWhileAway(String broker, String topic, String batch, int viaNode) {
    String publisherId = null;
    for (int i = 0; publisherId == null; i++) {
      String candidate = "publisher-" + i;
      if (tier.route(viaNode, candidate).getString("broker").equals(broker)) {
        publisherId = candidate;
      }
    }
    List<String> sent = new ArrayList<>();
    int[] ports = {tier.broker(broker).port(), tier.nodePort(viaNode)};
    for (int p = 0; p < ports.length; p++) {
      Mqtt3BlockingClient publisher = Clients.mqtt3(p == 0 ? "direct-publisher" : publisherId, ports[p]);
      publisher.connectWith().cleanSession(true).send();
      for (int i = 0; i < QUEUED / 2; i++) {
        String payload = batch + "-" + (p == 0 ? "direct" : "via-lb-" + viaNode) + "-" + i;
        publisher.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
            .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        sent.add(payload);
      }
      publisher.disconnect();
    }
    return sent;
  }

  /** An MQTT 3.1.1 client with {@code cleanSession=false}, listening for every publish from before CONNECT. */
  private record Session3(Mqtt3BlockingClient client, Mqtt3BlockingClient.Mqtt3Publishes publishes,
                          boolean sessionPresent) {
    static Session3 connect(String clientId, int port) {
      Mqtt3BlockingClient client = Clients.mqtt3(clientId, port);
      Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
      boolean present = client.connectWith().cleanSession(false).keepAlive(30).send().isSessionPresent();
      return new Session3(client, publishes, present);
    }

    /** The next {@code count} payloads on {@code topic}, in arrival order. */
    List<String> receive(String topic, int count) throws InterruptedException {
      List<String> payloads = new ArrayList<>();
      while (payloads.size() < count) {
        Optional<Mqtt3Publish> next = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (next.isEmpty()) {
          break;
        }
        if (next.get().getTopic().toString().equals(topic)) {
          payloads.add(new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
      }
      return payloads;
    }

    /** Subscribes to the retained marker: the id of the broker holding this session, as it says itself. */
    String marker() throws InterruptedException {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      while (true) {
        Optional<Mqtt3Publish> next = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (next.isEmpty()) {
          throw new AssertionError("no broker marker");
        }
        if (next.get().getTopic().toString().equals(MosquittoBroker.MARKER_TOPIC)) {
          return new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8);
        }
      }
    }
  }

  /** An MQTT 5 client that keeps its session for 5 minutes after it leaves. */
  private record Session5(Mqtt5BlockingClient client, Mqtt5BlockingClient.Mqtt5Publishes publishes,
                          boolean sessionPresent) {
    static Session5 connect(String clientId, int port) {
      Mqtt5BlockingClient client = Clients.mqtt5(clientId, port);
      Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
      boolean present = client.connectWith().cleanStart(false).sessionExpiryInterval(300).keepAlive(30).send()
          .isSessionPresent();
      return new Session5(client, publishes, present);
    }

    List<String> receive(String topic, int count) throws InterruptedException {
      List<String> payloads = new ArrayList<>();
      while (payloads.size() < count) {
        Optional<Mqtt5Publish> next = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (next.isEmpty()) {
          break;
        }
        if (next.get().getTopic().toString().equals(topic)) {
          payloads.add(new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
      }
      return payloads;
    }

    String marker() throws InterruptedException {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      while (true) {
        Optional<Mqtt5Publish> next = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (next.isEmpty()) {
          throw new AssertionError("no broker marker");
        }
        if (next.get().getTopic().toString().equals(MosquittoBroker.MARKER_TOPIC)) {
          return new String(next.get().getPayloadAsBytes(), StandardCharsets.UTF_8);
        }
      }
    }
  }
}
