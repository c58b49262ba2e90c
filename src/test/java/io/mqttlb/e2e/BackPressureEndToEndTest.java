package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.FaultRelay;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while its broker sends it a flood: the node must stop reading from
 * the broker once the client's write queue is full (back-pressure) instead of buffering the flood,
 * and deliver everything once the client reads again.
 */
@EndToEnd
class BackPressureEndToEndTest {
  private static final int MESSAGE_BYTES = 64 * 1024;
  private static final int MESSAGES = 640; // 40 MiB
  private static final long FLOOD_BYTES = (long) MESSAGE_BYTES * MESSAGES;

  private static LocalTier tier;
  private static BalancerNode node;

  @BeforeAll
  static void startTier() throws Exception {
    tier = LocalTier.start(1);
    node = tier.node;
  }

  @AfterAll
  static void stopTier() throws Exception {
    tier.close();
  }

  @Test
  void aStalledClientHoldsTheFloodAtTheBrokerNotInTheNode() throws Exception {
    try (FaultRelay relay = FaultRelay.stalling(node.port())) {
      Mqtt3BlockingClient slow = Clients.mqtt3("slow-reader", relay.port());
      slow.connectWith().cleanSession(true).keepAlive(600).send();
      try (Mqtt3BlockingClient.Mqtt3Publishes publishes = slow.publishes(MqttGlobalPublishFilter.ALL)) {
        slow.subscribeWith().topicFilter("flood").qos(MqttQos.AT_MOST_ONCE).send();
        relay.stallDownstream();

        Mqtt3BlockingClient publisher = Clients.mqtt3("flooder", tier.broker("b1").port());
        publisher.connect();
        byte[] payload = new byte[MESSAGE_BYTES];
        for (int i = 0; i < MESSAGES; i++) {
          publisher.publishWith().topic("flood").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
        }
        publisher.disconnect();

        // Wait until the node has relayed all it is going to while the client does not read.
        double relayed = waitForPlateau();
        System.out.printf("back-pressure: client stalled, node relayed %.1f MiB of a %d MiB flood%n",
            relayed / (1 << 20), FLOOD_BYTES >> 20);
        assertTrue(relayed < FLOOD_BYTES / 4,
            "with the client stalled the node relayed " + (long) relayed + " of " + FLOOD_BYTES
                + " bytes: it must pause the broker side, not buffer the flood");

        relay.resumeDownstream();
        int received = 0;
        while (received < MESSAGES) {
          assertTrue(publishes.receive(20, TimeUnit.SECONDS).isPresent(),
              "received " + received + " of " + MESSAGES + " after the client read again");
          received++;
        }
        assertEquals(MESSAGES, received);
      } finally {
        slow.disconnect();
      }
    }
  }

  private static double waitForPlateau() throws InterruptedException {
    double last = -1;
    double now = toClient();
    while (now != last) {
      Thread.sleep(500);
      last = now;
      now = toClient();
    }
    return now;
  }

  private static double toClient() {
    return node.metrics().registry().get(io.mqttlb.metrics.Metrics.RELAYED_BYTES)
        .tag("direction", "to_client").counter().count();
  }
}
