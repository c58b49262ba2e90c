package io.mqttlb.loadtest;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One MQTT connection of a virtual user, over HiveMQ's async client (MQTT 3.1.1 or 5), reduced to
 * what the steps need. Received messages and an unexpected loss of the connection are delivered on
 * the given executor (the user's own serial executor). Futures complete on the client's threads.
 */
interface MqttConnection {

  /** A message that arrived: its topic, payload and QoS. */
  record Message(String topic, byte[] payload, int qos) {}

  /** Completes with the CONNACK's session-present flag. */
  CompletableFuture<Boolean> connect(boolean cleanSession, Duration sessionExpiry, Duration keepAlive);

  CompletableFuture<Void> subscribe(String topic, int qos);

  CompletableFuture<Void> publish(String topic, int qos, byte[] payload, boolean retain);

  CompletableFuture<Void> disconnect();

  /**
   * @param onLost called once when the connection ends without our DISCONNECT (broker or network)
   */
  /**
   * @param transport where and how to connect (see {@link ClientTransports}): TCP, TLS, WebSocket, timeouts
   */
  static MqttConnection open(int protocol, String clientId, MqttClientTransportConfig transport,
      MqttClientExecutorConfig executors, Executor callbacks, Consumer<Message> onMessage, Consumer<Throwable> onLost) {
    var builder = MqttClient.builder()
        .identifier(clientId)
        .executorConfig(executors)
        .transportConfig(transport)
        .addDisconnectedListener(context -> {
          if (context.getSource() != MqttDisconnectSource.USER) {
            callbacks.execute(() -> onLost.accept(context.getCause()));
          }
        });
    if (protocol == 3) {
      Mqtt3AsyncClient client = builder.useMqttVersion3().buildAsync();
      // Registered before CONNECT, so messages queued in a persistent session are seen too.
      client.publishes(MqttGlobalPublishFilter.ALL,
          p -> onMessage.accept(new Message(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode())), callbacks);
      return new Mqtt3Connection(client);
    }
    Mqtt5AsyncClient client = builder.useMqttVersion5().buildAsync();
    client.publishes(MqttGlobalPublishFilter.ALL,
        p -> onMessage.accept(new Message(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode())), callbacks);
    return new Mqtt5Connection(client);
  }

  final class Mqtt3Connection implements MqttConnection {
    private final Mqtt3AsyncClient client;

    Mqtt3Connection(Mqtt3AsyncClient client) {
      this.client = client;
    }

    @Override
    public CompletableFuture<Boolean> connect(boolean cleanSession, Duration sessionExpiry, Duration keepAlive) {
      return client.connectWith().cleanSession(cleanSession).keepAlive((int) keepAlive.toSeconds()).send()
          .thenApply(ack -> ack.isSessionPresent());
    }

    @Override
    public CompletableFuture<Void> subscribe(String topic, int qos) {
      return client.subscribeWith().topicFilter(topic).qos(MqttQos.fromCode(qos)).send().thenApply(ack -> {
        if (ack.getReturnCodes().stream().anyMatch(Mqtt3SubAckReturnCode::isError)) {
          throw new IllegalStateException("SUBACK refused " + topic + ": " + ack.getReturnCodes());
        }
        return null;
      });
    }

    @Override
    public CompletableFuture<Void> publish(String topic, int qos, byte[] payload, boolean retain) {
      return client.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(payload).retain(retain).send()
          .thenApply(sent -> null);
    }

    @Override
    public CompletableFuture<Void> disconnect() {
      return client.disconnect();
    }
  }

  final class Mqtt5Connection implements MqttConnection {
    private final Mqtt5AsyncClient client;

    Mqtt5Connection(Mqtt5AsyncClient client) {
      this.client = client;
    }

    @Override
    public CompletableFuture<Boolean> connect(boolean cleanSession, Duration sessionExpiry, Duration keepAlive) {
      return client.connectWith().cleanStart(cleanSession)
          .sessionExpiryInterval(Math.min(sessionExpiry.toSeconds(), 0xFFFF_FFFFL))
          .keepAlive((int) keepAlive.toSeconds()).send()
          .thenApply(ack -> ack.isSessionPresent());
    }

    @Override
    public CompletableFuture<Void> subscribe(String topic, int qos) {
      return client.subscribeWith().topicFilter(topic).qos(MqttQos.fromCode(qos)).send().thenApply(ack -> {
        if (ack.getReasonCodes().stream().anyMatch(Mqtt5SubAckReasonCode::isError)) {
          throw new IllegalStateException("SUBACK refused " + topic + ": " + ack.getReasonCodes());
        }
        return null;
      });
    }

    @Override
    public CompletableFuture<Void> publish(String topic, int qos, byte[] payload, boolean retain) {
      return client.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(payload).retain(retain).send()
          .thenApply(result -> {
            if (result.getError().isPresent()) {
              throw new IllegalStateException("publish failed", result.getError().get());
            }
            return null;
          });
    }

    @Override
    public CompletableFuture<Void> disconnect() {
      return client.disconnect();
    }
  }
}
