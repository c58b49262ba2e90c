package io.mqttlb.testing;

import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One connect of a persistent-session client (HiveMQ MQTT client, async API; clean session off, and
 * for MQTT 5 clean start off with a session expiry of an hour), and what its CONNECT got: connected,
 * "server busy" (MQTT 5 CONNACK 0x89; MQTT 3.1.1 has no busy code, so its CONNACK 0x03 "server
 * unavailable"), or anything else, told in words. The client does not reconnect by itself.
 */
public final class PersistentConnect {
  private static final long SESSION_EXPIRY_SECONDS = 3600;

  public enum Outcome { CONNECTED, BUSY, OTHER }

  /** What one connect got; {@code detail} says what, for {@link Outcome#OTHER}. */
  public record Result(String clientId, boolean mqtt5, Outcome outcome, String detail) {
  }

  private final String clientId;
  private final boolean mqtt5;
  private final Mqtt3AsyncClient client3;
  private final Mqtt5AsyncClient client5;

  private PersistentConnect(String clientId, int port, boolean mqtt5) {
    this.clientId = clientId;
    this.mqtt5 = mqtt5;
    this.client3 = mqtt5 ? null
        : Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port).buildAsync();
    this.client5 = mqtt5
        ? Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port).buildAsync() : null;
  }

  /** A client of this id through {@code port}; nothing is sent until {@link #connect}. */
  public static PersistentConnect client(String clientId, int port, boolean mqtt5) {
    return new PersistentConnect(clientId, port, mqtt5);
  }

  public String clientId() {
    return clientId;
  }

  /** Sends the CONNECT; the future completes (never exceptionally) with what it got. */
  public CompletableFuture<Result> connect() {
    CompletableFuture<?> connack = mqtt5
        ? client5.connectWith().cleanStart(false).sessionExpiryInterval(SESSION_EXPIRY_SECONDS).send()
        : client3.connectWith().cleanSession(false).send();
    return connack.handle((ack, failure) -> failure == null ? result(Outcome.CONNECTED, "connected")
        : classify(failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure));
  }

  private Result classify(Throwable failure) {
    if (failure instanceof Mqtt5ConnAckException refused) {
      Mqtt5ConnAckReasonCode code = refused.getMqttMessage().getReasonCode();
      return code == Mqtt5ConnAckReasonCode.SERVER_BUSY ? result(Outcome.BUSY, "server busy")
          : result(Outcome.OTHER, "CONNACK " + code);
    }
    if (failure instanceof Mqtt3ConnAckException refused) {
      Mqtt3ConnAckReturnCode code = refused.getMqttMessage().getReturnCode();
      return code == Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE ? result(Outcome.BUSY, "server unavailable")
          : result(Outcome.OTHER, "CONNACK " + code);
    }
    return result(Outcome.OTHER, failure.toString());
  }

  private Result result(Outcome outcome, String detail) {
    return new Result(clientId, mqtt5, outcome, detail);
  }

  /** Disconnects a connected client (its session stays on the broker); a no-op for one that is not. */
  public CompletableFuture<Void> disconnect() {
    Supplier<CompletableFuture<Void>> send = mqtt5 ? client5::disconnect : client3::disconnect;
    return send.get().handle((v, e) -> null);
  }
}
