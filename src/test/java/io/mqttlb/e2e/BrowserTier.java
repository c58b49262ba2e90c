package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ConfigException;
import io.mqttlb.config.ConfigLoader;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.BrowserMqttClient;
import io.mqttlb.testing.MosquittoBroker;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Three Mosquitto brokers behind a node whose listeners come from YAML as an operator writes them,
 * for browser pages (MQTT.js in Chromium) to connect to. A watcher subscribed on each broker
 * directly, to the pages' topics ({@code browser/#}), records on which broker each page's message
 * arrived; the route API tells where a client id should land.
 */
final class BrowserTier implements AutoCloseable {
  /** A message a watcher saw, with the broker it saw it on. */
  record Seen(String broker, String topic, String payload, Map<String, String> userProperties) {}

  private final LocalTier tier;
  private final List<Mqtt5AsyncClient> watchers = new ArrayList<>();
  private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private BrowserTier(LocalTier tier) {
    this.tier = tier;
  }

  /** @param listenersYaml the {@code listeners:} section of a node's file */
  static BrowserTier start(String listenersYaml) throws Exception {
    BrowserTier browserTier = new BrowserTier(
        LocalTier.start(3, config -> config.withListeners(parseListeners(config.brokers(), listenersYaml))));
    try {
      for (MosquittoBroker broker : browserTier.tier.brokers) {
        browserTier.watch(broker);
      }
      return browserTier;
    } catch (Exception | Error e) {
      browserTier.close();
      throw e;
    }
  }

  /** The listeners of a node file made of the tier's brokers and {@code listenersYaml}. */
  private static List<ListenerConfig> parseListeners(List<BrokerConfig> brokers, String listenersYaml) {
    StringBuilder yaml = new StringBuilder("brokers:\n");
    for (BrokerConfig broker : brokers) {
      yaml.append("  - id: ").append(broker.id()).append("\n    address: ").append(broker.address()).append('\n');
    }
    yaml.append(listenersYaml);
    try {
      return ConfigLoader.parse(yaml.toString(), "browser-tier.yaml", Map.of()).listeners();
    } catch (ConfigException e) {
      throw new AssertionError("the node refuses the listeners' configuration: " + e.getMessage(), e);
    }
  }

  private void watch(MosquittoBroker broker) throws Exception {
    Mqtt5AsyncClient watcher = Mqtt5Client.builder().identifier("watcher-" + broker.id())
        .serverHost("127.0.0.1").serverPort(broker.port()).buildAsync();
    watcher.connect().get(10, TimeUnit.SECONDS);
    watchers.add(watcher);
    watcher.subscribeWith().topicFilter("browser/#").qos(MqttQos.AT_LEAST_ONCE)
        .callback(publish -> seen.add(seen(broker.id(), publish)))
        .send().get(10, TimeUnit.SECONDS);
  }

  private static Seen seen(String broker, Mqtt5Publish publish) {
    Map<String, String> userProperties = publish.getUserProperties().asList().stream().collect(Collectors.toMap(
        p -> p.getName().toString(), p -> p.getValue().toString(), (first, second) -> first + "," + second));
    return new Seen(broker, publish.getTopic().toString(),
        new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8), userProperties);
  }

  LocalTier tier() {
    return tier;
  }

  /** The port the node's listener {@code name} bound. */
  int port(String listener) {
    return tier.node.listenerPorts().get(listener);
  }

  /** What the watchers saw on {@code topic}, once at least one saw something there. */
  List<Seen> awaitSeen(String topic) throws InterruptedException {
    Await.until("a watcher saw a message on " + topic, () -> !seenOn(topic).isEmpty());
    return seenOn(topic);
  }

  List<Seen> seenOn(String topic) {
    return seen.stream().filter(s -> s.topic().equals(topic)).toList();
  }

  /**
   * The page finished its round trip on {@code broker}: it read that broker's marker and got its
   * message back (with its user property under MQTT 5), and the watchers saw the message there
   * and on no other broker.
   */
  void assertLandedOn(String broker, BrowserMqttClient.Session session, BrowserMqttClient.Outcome outcome)
      throws InterruptedException {
    assertNull(outcome.error(), outcome::describe);
    assertEquals(broker, outcome.marker(), "the marker of the broker the page reached");
    assertEquals(session.payload(), outcome.echo());
    Map<String, String> sent = session.userProperties();
    assertEquals(sent, outcome.echoUserProperties(), "the user properties of the page's message as it came back");
    assertEquals(List.of(new Seen(broker, session.topic(), session.payload(), sent)), awaitSeen(session.topic()),
        "the page's message reached its broker, and only it, as the page sent it");
  }

  /** Broker connections the node has opened so far, on every broker. */
  double brokerConnections() {
    return tier.brokers.stream().mapToDouble(b -> tier.node.metrics().broker(b.id()).total()).sum();
  }

  /** The broker {@code GET /api/v1/route?clientId=} names. */
  String routedBroker(String clientId) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + tier.node.adminPort() + "/api/v1/route?clientId=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body()).getString("broker");
  }

  /**
   * The first of {@code prefix-0, prefix-1, ...} that the route API sends to {@code broker}: tests
   * pick brokers so that their sessions land on different ones, and a node that sent every client
   * to the same broker fails.
   */
  String clientIdRoutedTo(String broker, String prefix) throws IOException, InterruptedException {
    for (int i = 0; i < 100; i++) {
      String clientId = prefix + "-" + i;
      if (broker.equals(routedBroker(clientId))) {
        return clientId;
      }
    }
    throw new AssertionError("the route API sends none of " + prefix + "-0..99 to " + broker);
  }

  @Override
  public void close() throws Exception {
    try {
      for (Mqtt5AsyncClient watcher : watchers) {
        watcher.disconnect().get(10, TimeUnit.SECONDS);
      }
    } finally {
      tier.close();
    }
  }
}
