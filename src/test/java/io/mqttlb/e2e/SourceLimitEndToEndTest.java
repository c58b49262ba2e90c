package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.SourceAddressLimits;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.perSourceAddress.maxConnections}: real MQTT clients bound to one loopback address
 * get in up to the limit, the next one is refused at once (counted as {@code source_limit}, no
 * broker connection opened) while clients of another address still get in, and a slot freed by a
 * disconnect is used again. Behind a PROXY header the header's address is the one counted.
 */
@EndToEnd
class SourceLimitEndToEndTest {
  private static final int PER_ADDRESS = 2;
  /** The first byte of a CONNACK (packet type 2). */
  private static final int CONNACK = 0x20;
  private static final String CROWDED = "127.0.0.10";
  private static final String OTHER = "127.0.0.11";
  private static LocalTier tier;
  private static BalancerNode node;

  @BeforeAll
  static void startTier() throws Exception {
    tier = LocalTier.start(1, config -> config
        .withListeners(List.of(new ListenerConfig("tcp", "127.0.0.1", 0),
            new ListenerConfig("behind-lb", "127.0.0.1", 0).withAcceptProxyProtocol(true)))
        .withLimits(config.limits().withPerSourceAddress(new SourceAddressLimits(PER_ADDRESS, SourceAddressLimits.OFF))));
    node = tier.node;
  }

  @AfterAll
  static void stopTier() throws Exception {
    tier.close();
  }

  @BeforeEach
  void noClientsLeft() throws InterruptedException {
    Await.until("the clients of the test before have left", () -> node.metrics().clientsActive() == 0);
  }

  @Test
  void clientsOfOneAddressBeyondTheLimitAreRefusedWhileOtherAddressesGetIn() throws Exception {
    List<Mqtt3BlockingClient> connected = new ArrayList<>();
    try {
      for (int i = 0; i < PER_ADDRESS; i++) {
        connected.add(connectedFrom(CROWDED, "crowded-" + i));
      }
      double refused = node.metrics().rejectedCount(Metrics.REASON_SOURCE_LIMIT);
      double brokerConnections = node.metrics().broker("b1").total();

      Mqtt3BlockingClient extra = clientFrom(CROWDED, "crowded-extra");
      assertThrows(RuntimeException.class, () -> extra.connectWith().cleanSession(true).send());
      assertEquals(refused + 1, node.metrics().rejectedCount(Metrics.REASON_SOURCE_LIMIT));
      assertEquals(brokerConnections, node.metrics().broker("b1").total(), "no broker connection for the refused client");

      assertEquals("b1", brokerReachedFrom(OTHER, "elsewhere"), "another address still gets in");

      connected.remove(0).disconnect();
      Await.until("the freed slot is released", () -> node.metrics().clientsActive() == PER_ADDRESS - 1);
      assertEquals("b1", brokerReachedFrom(CROWDED, "crowded-again"), "a freed slot is used again");
    } finally {
      connected.forEach(Mqtt3BlockingClient::disconnect);
    }
  }

  @Test
  void behindAProxyHeaderTheHeadersAddressIsCounted() throws Exception {
    int port = node.listenerPorts().get("behind-lb");
    List<Socket> open = new ArrayList<>();
    try {
      double refused = node.metrics().rejectedCount(Metrics.REASON_SOURCE_LIMIT);
      // Every socket comes from 127.0.0.1, as from one upstream balancer; the headers name the clients.
      for (int i = 0; i < PER_ADDRESS; i++) {
        open.add(proxied(port, "198.51.100.7", "proxied-" + i));
      }
      open.add(proxied(port, "198.51.100.8", "proxied-other"));
      for (Socket socket : open) {
        assertEquals(CONNACK, socket.getInputStream().read(), "the broker's CONNACK: relayed");
      }
      assertEquals(refused, node.metrics().rejectedCount(Metrics.REASON_SOURCE_LIMIT));

      try (Socket over = proxied(port, "198.51.100.7", "proxied-over")) {
        assertEquals(-1, firstByteOrClosed(over), "the client over its address's limit is closed, unanswered");
      }
      assertEquals(refused + 1, node.metrics().rejectedCount(Metrics.REASON_SOURCE_LIMIT));
    } finally {
      for (Socket socket : open) {
        socket.close();
      }
    }
  }

  /**
   * The first byte the node sends, or -1 once it has closed the socket. The node closes with a FIN,
   * or with a reset when the CONNECT it never read is still in its receive buffer; which one the
   * client sees depends on timing, and both mean closed without an answer.
   */
  private static int firstByteOrClosed(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read();
    } catch (SocketException reset) {
      return -1;
    }
  }

  /**
   * A socket from 127.0.0.1 whose PROXY v1 header says the client is {@code client}, followed by an
   * MQTT 3.1.1 CONNECT (clean session, keep-alive 60 s) for {@code clientId}.
   */
  private static Socket proxied(int port, String client, String clientId) throws Exception {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(5000);
    OutputStream out = socket.getOutputStream();
    out.write(("PROXY TCP4 " + client + " 127.0.0.1 40000 " + port + "\r\n").getBytes(StandardCharsets.US_ASCII));
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream connect = new ByteArrayOutputStream();
    connect.write(new byte[] {0x10, (byte) (12 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, (byte) id.length});
    connect.write(id);
    out.write(connect.toByteArray());
    out.flush();
    return socket;
  }

  private static Mqtt3BlockingClient clientFrom(String address, String clientId) {
    return Mqtt3Client.builder().identifier(clientId)
        .transportConfig().serverHost("127.0.0.1").serverPort(node.port())
        .localAddress(new InetSocketAddress(address, 0)).applyTransportConfig()
        .buildBlocking();
  }

  private static Mqtt3BlockingClient connectedFrom(String address, String clientId) {
    Mqtt3BlockingClient client = clientFrom(address, clientId);
    client.connectWith().cleanSession(true).send();
    return client;
  }

  /** The broker a client bound to {@code address} reaches, as the broker's own marker says. */
  private static String brokerReachedFrom(String address, String clientId) throws Exception {
    Mqtt3BlockingClient client = connectedFrom(address, clientId);
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt3Publish> marker = publishes.receive(10, TimeUnit.SECONDS);
      return marker.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("no broker marker for " + clientId));
    } finally {
      client.disconnect();
    }
  }
}
