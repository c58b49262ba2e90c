package io.mqttlb.testing;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Real MQTT clients (HiveMQ MQTT client) as the tests use them. */
public final class Clients {
  public static final long RECEIVE_TIMEOUT_SECONDS = 10;

  private Clients() {
  }

  public static Mqtt3BlockingClient mqtt3(String clientId, int port) {
    return Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port).buildBlocking();
  }

  public static Mqtt5BlockingClient mqtt5(String clientId, int port) {
    return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port).buildBlocking();
  }

  /**
   * Connects with a clean session through {@code port}, reads the broker's retained marker and
   * disconnects: the id of the broker the client reached, as that broker itself says.
   */
  public static String brokerReachedMqtt3(String clientId, int port) {
    Mqtt3BlockingClient client = mqtt3(clientId, port);
    client.connectWith().cleanSession(true).send();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt3Publish> marker = publishes.receive(RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return marker.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("no broker marker for " + clientId));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      client.disconnect();
    }
  }

  /** As {@link #brokerReachedMqtt3}, with an MQTT 5 client. */
  public static String brokerReachedMqtt5(String clientId, int port) {
    Mqtt5BlockingClient client = mqtt5(clientId, port);
    client.connectWith().cleanStart(true).send();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt5Publish> marker = publishes.receive(RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return marker.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("no broker marker for " + clientId));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      client.disconnect();
    }
  }
}
