package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.mqttlb.mqtt.RejectReason;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An edge Mosquitto bridging into the broker cluster through the balancer. Mosquitto bridges mark
 * their CONNECT by setting bit 7 of the protocol level (try_private, on by default); the node must
 * route such a CONNECT by its client id like any other and relay it unchanged.
 */
@EndToEnd
class BridgeEndToEndTest {
  private static final String BRIDGE_CLIENT_ID = "edge-bridge-7";
  private static LocalTier tier;
  private static MosquittoBroker edge;

  @BeforeAll
  static void startTierAndEdge() throws Exception {
    tier = LocalTier.start(3);
    edge = MosquittoBroker.start("edge", List.of(
        "connection to-cluster",
        "address 127.0.0.1:" + tier.port(),
        "remote_clientid " + BRIDGE_CLIENT_ID,
        "try_private true",
        "bridge_protocol_version mqttv311",
        "cleansession true",
        "start_type automatic",
        "restart_timeout 1",
        "topic telemetry/# out 1"));
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (edge != null) {
      edge.close();
    }
    tier.close();
  }

  @Test
  void aBridgeIsRoutedByItsClientIdAndItsMessagesArrive() throws Exception {
    MosquittoBroker owner = tier.broker(tier.ringOwner(BRIDGE_CLIENT_ID));
    Mqtt3BlockingClient watcher = Clients.mqtt3("bridge-watcher", owner.port());
    watcher.connect();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
      watcher.subscribeWith().topicFilter("telemetry/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt3BlockingClient device = Clients.mqtt3("edge-device", edge.port());
      device.connect();
      // The bridge connects on its own schedule: publish until the first message crosses.
      Optional<Mqtt3Publish> received = Optional.empty();
      for (int attempt = 0; attempt < 40 && received.isEmpty(); attempt++) {
        device.publishWith().topic("telemetry/t1").qos(MqttQos.AT_LEAST_ONCE)
            .payload("21.5".getBytes(StandardCharsets.UTF_8)).send();
        received = publishes.receive(250, TimeUnit.MILLISECONDS);
      }
      device.disconnect();
      assertTrue(received.isPresent(), "a message published at the edge reached the bridge's ring owner "
          + owner.id());
      assertEquals("21.5", new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
    } finally {
      watcher.disconnect();
    }
    // Refused, a bridge would retry without the flag (try_private fallback): so the first CONNECT
    // must have been accepted as it was.
    assertEquals(0, tier.node.metrics().rejectedCount(RejectReason.UNSUPPORTED_PROTOCOL_LEVEL.metricLabel()),
        "the bridge's own CONNECT, bit 7 set, was accepted");
    for (MosquittoBroker broker : tier.brokers) {
      double relayed = tier.node.metrics().broker(broker.id()).total();
      assertTrue(broker == owner ? relayed >= 1 : relayed == 0,
          "the node relayed the bridge to " + owner.id() + " only; " + broker.id() + " got " + relayed);
    }
  }
}
