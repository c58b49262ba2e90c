package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.WebSocketConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.node.BalancerNode;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.HaproxyProcess;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.RawWebSocket;
import io.mqttlb.testing.RawWebSocket.Frame;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MQTT over WebSocket end to end: real Mosquitto brokers behind one node with a plain listener and
 * three WebSocket listeners (defaults; an origin list and small frames; behind HAProxy with the
 * PROXY protocol). Real clients (HiveMQ over WebSocket, MQTT 3.1.1 and 5; the JDK's WebSocket
 * client) must land where the route API says, as the brokers' own markers tell; what real clients
 * never send (bad requests and frames) comes from {@link RawWebSocket}, and each is refused as
 * RFC 6455 and HTTP say, counted, without a broker connection.
 */
@EndToEnd
class WebSocketEndToEndTest {
  private static final String STRICT_ORIGIN = "https://app.example.com";
  private static final int STRICT_MAX_FRAME = 1024;
  private static final int READ_TIMEOUT_MILLIS = (int) LocalTier.CONNECT_TIMEOUT.toMillis() + 4000;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static LocalTier tier;
  private static BalancerNode node;
  private static HaproxyProcess upstream;
  private static int upstreamPort;

  @BeforeAll
  static void start() throws Exception {
    tier = LocalTier.start(3, config -> config.withListeners(List.of(
        new ListenerConfig("tcp", "127.0.0.1", 0),
        new ListenerConfig("ws", "127.0.0.1", 0).withWebSocket(WebSocketConfig.defaults()),
        new ListenerConfig("ws-strict", "127.0.0.1", 0)
            .withWebSocket(new WebSocketConfig("/mqtt", List.of(STRICT_ORIGIN), STRICT_MAX_FRAME)),
        new ListenerConfig("ws-proxied", "127.0.0.1", 0).withAcceptProxyProtocol(true)
            .withWebSocket(WebSocketConfig.defaults()))));
    node = tier.node;
    upstreamPort = io.mqttlb.testing.Ports.free();
    upstream = HaproxyProcess.start("""
        listen upstream
          bind 127.0.0.1:%d
          server lb 127.0.0.1:%d send-proxy-v2
        """.formatted(upstreamPort, port("ws-proxied")));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (upstream != null) {
        upstream.close();
      }
    } finally {
      tier.close();
    }
  }

  private static int port(String listener) {
    return node.listenerPorts().get(listener);
  }

  // ---- real clients ----

  @Test
  void mqtt311And5ClientsLandOnTheBrokerTheRouteApiNames() throws Exception {
    for (int i = 0; i < 6; i++) {
      String id3 = "ws-311-" + i;
      String id5 = "ws-5-" + i;
      assertEquals(routeApiBroker(id3), brokerReached(ws3(id3, port("ws"))), id3);
      assertEquals(routeApiBroker(id5), brokerReached(ws5(id5, port("ws"))), id5);
    }
  }

  @Test
  void subscribePublishAndReceiveOverWebSocketIncludingAMessageOfManyFrames() throws Exception {
    String subscriberId = "ws-subscriber";
    String publisherId = sameBrokerAs(subscriberId, "ws-publisher-");
    Mqtt5BlockingClient subscriber = ws5(subscriberId, port("ws"));
    subscriber.connectWith().cleanStart(true).send();
    Mqtt3BlockingClient publisher = ws3(publisherId, port("ws"));
    publisher.connectWith().cleanSession(true).send();
    byte[] large = new byte[600_000]; // far more than one read from the broker: many frames towards the subscriber
    new Random(11).nextBytes(large);
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
      subscriber.subscribeWith().topicFilter("ws/chat/#").qos(MqttQos.AT_LEAST_ONCE).send();
      publisher.publishWith().topic("ws/chat/small").qos(MqttQos.AT_LEAST_ONCE)
          .payload("hello over websocket".getBytes(StandardCharsets.UTF_8)).send();
      publisher.publishWith().topic("ws/chat/large").qos(MqttQos.AT_LEAST_ONCE).payload(large).send();
      Mqtt5Publish small = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
      assertEquals("hello over websocket", new String(small.getPayloadAsBytes(), StandardCharsets.UTF_8));
      Mqtt5Publish big = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
      assertEquals("ws/chat/large", big.getTopic().toString());
      assertArrayEquals(large, big.getPayloadAsBytes(), "the large message arrived intact");
    } finally {
      publisher.disconnect();
      subscriber.disconnect();
    }
  }

  @Test
  void packetsSplitOverFramesAndPacketsSharingAFrameRelayIntact() throws Exception {
    String clientId = "ws-raw-framing";
    String topic = "ws/raw/" + clientId;
    try (RawWebSocket ws = RawWebSocket.connect(port("ws"), READ_TIMEOUT_MILLIS)) {
      assertEquals(101, ws.request(RawWebSocket.upgradeRequest("/mqtt")).status());
      // CONNECT and SUBSCRIBE in one frame.
      ws.sendBinary(concat(Mqtt.connect(clientId), Mqtt.subscribe(1, topic)));
      assertArrayEquals(HexFormat.of().parseHex("20020000" + "9003000100"), ws.readBinary(9), "CONNACK and SUBACK");

      Random random = new Random(3);
      byte[] fragmented = payload(random, 40_000);
      byte[] messages = payload(random, 30_000);
      byte[] first = payload(random, 100);
      byte[] second = payload(random, 200);
      // One PUBLISH as one WebSocket message of many fragments: a binary frame, then continuation frames.
      byte[] publish = Mqtt.publish(topic, fragmented);
      List<byte[]> pieces = split(publish, 1000);
      for (int i = 0; i < pieces.size(); i++) {
        int opcode = i == 0 ? RawWebSocket.OPCODE_BINARY : RawWebSocket.OPCODE_CONTINUATION;
        ws.sendFrame(opcode, i == pieces.size() - 1, pieces.get(i), true);
      }
      // One PUBLISH over many WebSocket messages of odd sizes.
      for (byte[] piece : split(Mqtt.publish(topic, messages), 777)) {
        ws.sendBinary(piece);
      }
      // Two PUBLISHes in one frame, the second cut short; its rest comes in the next frame.
      byte[] two = concat(Mqtt.publish(topic, first), Mqtt.publish(topic, second));
      ws.sendBinary(Arrays.copyOfRange(two, 0, two.length - 50));
      ws.sendBinary(Arrays.copyOfRange(two, two.length - 50, two.length));

      // The broker sends each back to this subscriber, in order.
      for (byte[] expected : List.of(fragmented, messages, first, second)) {
        byte[] packet = ws.readBinary(Mqtt.publish(topic, expected).length);
        assertArrayEquals(Mqtt.publish(topic, expected), packet);
      }
    }
  }

  @Test
  void aListedOriginAndNoOriginAreAllowedOnTheStrictListener() throws Exception {
    Mqtt3BlockingClient browserLike = Mqtt3Client.builder().identifier("ws-origin-ok")
        .serverHost("127.0.0.1").serverPort(port("ws-strict"))
        .webSocketConfig().serverPath("mqtt").httpHeaders(Map.of("Origin", STRICT_ORIGIN)).applyWebSocketConfig()
        .buildBlocking();
    assertEquals(routeApiBroker("ws-origin-ok"), brokerReached(browserLike));
    // HiveMQ's client (Netty's handshake) always sends an Origin; the JDK's sends none.
    JdkClient noOrigin = JdkClient.open(port("ws-strict"));
    try {
      noOrigin.socket.sendBinary(ByteBuffer.wrap(Mqtt.connect("ws-no-origin")), true).get(5, TimeUnit.SECONDS);
      assertArrayEquals(HexFormat.of().parseHex("20020000"), noOrigin.awaitBinary(4), "CONNACK");
    } finally {
      noOrigin.socket.abort();
    }
  }

  @Test
  void theOfferedSubprotocolIsEchoed() throws Exception {
    for (String offered : List.of("mqtt", "mqttv3.1", "chat, mqttv3.1")) {
      try (RawWebSocket ws = RawWebSocket.connect(port("ws"), READ_TIMEOUT_MILLIS)) {
        RawWebSocket.Response response = ws.request("GET /mqtt?token=abc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + offered + "\r\n\r\n");
        assertEquals(101, response.status());
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", response.headers().get("sec-websocket-accept"), "RFC 6455 §1.3");
        assertEquals(offered.endsWith("mqttv3.1") ? "mqttv3.1" : "mqtt", response.headers().get("sec-websocket-protocol"));
      }
    }
  }

  @Test
  void aPingIsAnsweredWithAPong() throws Exception {
    JdkClient client = JdkClient.open(port("ws"));
    try {
      client.socket.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
      assertEquals("are you there", new String(client.pong.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    } finally {
      client.socket.abort();
    }
  }

  @Test
  void aCloseFromTheClientIsAnsweredAndClosesTheBrokerConnection() throws Exception {
    String clientId = "ws-closing";
    String broker = tier.ringOwner(clientId);
    Await.until("the relays of earlier tests ended", () -> node.metrics().broker(broker).active() == 0);
    JdkClient client = JdkClient.open(port("ws"));
    client.socket.sendBinary(ByteBuffer.wrap(Mqtt.connect(clientId)), true).get(5, TimeUnit.SECONDS);
    assertArrayEquals(HexFormat.of().parseHex("20020000"), client.awaitBinary(4), "CONNACK");
    assertEquals(1, node.metrics().broker(broker).active(), "relayed to " + broker);

    client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    assertEquals(WebSocket.NORMAL_CLOSURE, client.closeStatus.get(5, TimeUnit.SECONDS), "the node answered the close");
    Await.until("the broker connection closed", () -> node.metrics().broker(broker).active() == 0);
  }

  @Test
  void theProxyHeadersAddressIsTheClientsAddressOnAWebSocketListener() throws Exception {
    // An address whose ring owner differs from that of HAProxy's own (127.0.0.1), so that the test
    // fails if the node routed by the connection's address instead of the header's.
    String haproxyOwner = node.router().route("", null, "127.0.0.1").broker().id();
    String clientAddress = null;
    for (int i = 60; clientAddress == null; i++) {
      String candidate = "127.0.0." + i;
      if (!node.router().route("", null, candidate).broker().id().equals(haproxyOwner)) {
        clientAddress = candidate;
      }
    }
    String expected = node.router().route("", null, clientAddress).broker().id();
    Mqtt3BlockingClient client = Mqtt3Client.builder().identifier("")
        .transportConfig().serverHost("127.0.0.1").serverPort(upstreamPort)
        .localAddress(new InetSocketAddress(clientAddress, 0))
        .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
        .applyTransportConfig().buildBlocking();
    assertEquals(expected, brokerReached(client), "routed by " + clientAddress + ", the address in the PROXY header");
    assertNotEquals(haproxyOwner, expected);
  }

  @Test
  void aDrainSendsAWebSocketMqtt5ClientTheServerDisconnectInABinaryFrame() throws Exception {
    try (LocalTier drained = LocalTier.start(2, config -> config.withListeners(List.of(
        new ListenerConfig("ws", "127.0.0.1", 0).withWebSocket(WebSocketConfig.defaults()))))) {
      String clientId = MovesEndToEndTest.idsOwnedBy(drained, "ws-moved-", 1, "b1"::equals).get(0);
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(clientId)
          .serverHost("127.0.0.1").serverPort(drained.port())
          .webSocketConfig().serverPath("mqtt").applyWebSocketConfig()
          .addDisconnectedListener(context -> ended.complete(context.getCause())).buildAsync();
      client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
      MovesEndToEndTest.post(drained.node, "/api/v1/brokers/b1/drain", "{\"rate\":1000}", 202);
      Throwable cause = ended.get(5, TimeUnit.SECONDS);
      com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException disconnect = org.junit.jupiter.api.Assertions
          .assertInstanceOf(com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException.class, cause, String.valueOf(cause));
      assertEquals(com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode.USE_ANOTHER_SERVER,
          disconnect.getMqttMessage().getReasonCode());
      Await.until("the DISCONNECT counted as sent", () -> drained.node.metrics().moveDisconnectCount(Metrics.MOVE_SENT_AT_ONCE)
          + drained.node.metrics().moveDisconnectCount(Metrics.MOVE_SENT_AFTER_PACKET) == 1);
    }
  }

  // ---- bad input ----

  static Stream<Arguments> badRequests() {
    String upgrade = RawWebSocket.upgradeRequest("/mqtt");
    return Stream.of(
        Arguments.of("another path", "ws", RawWebSocket.upgradeRequest("/other"), 404, Metrics.REASON_WEBSOCKET_PATH),
        Arguments.of("a plain GET", "ws", "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 426,
            Metrics.REASON_WEBSOCKET_BAD_REQUEST),
        Arguments.of("a POST", "ws", upgrade.replace("GET", "POST"), 405, Metrics.REASON_WEBSOCKET_BAD_REQUEST),
        Arguments.of("WebSocket version 8", "ws", upgrade.replace("Version: 13", "Version: 8"), 426,
            Metrics.REASON_WEBSOCKET_BAD_REQUEST),
        Arguments.of("no key", "ws", upgrade.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""), 400,
            Metrics.REASON_WEBSOCKET_BAD_REQUEST),
        Arguments.of("an ill-formed request line", "ws", "GET /mqtt HTTP/9\r\n\r\n", 400, Metrics.REASON_WEBSOCKET_BAD_REQUEST),
        Arguments.of("an origin not listed", "ws-strict", RawWebSocket.upgradeRequest("/mqtt", "Origin: https://evil.example"),
            403, Metrics.REASON_WEBSOCKET_ORIGIN),
        Arguments.of("headers over the bound", "ws", RawWebSocket.upgradeRequest("/mqtt", "Cookie: " + "c".repeat(10_000)),
            431, Metrics.REASON_WEBSOCKET_REQUEST_TOO_LARGE),
        Arguments.of("a request line over the bound", "ws", RawWebSocket.upgradeRequest("/mqtt?" + "q".repeat(5000)),
            414, Metrics.REASON_WEBSOCKET_REQUEST_TOO_LARGE));
  }

  @ParameterizedTest(name = "{0} gets {3}")
  @MethodSource("badRequests")
  void aBadUpgradeRequestGetsItsHttpErrorAndNoBrokerConnection(String what, String listener, String request, int status,
                                                               String reason) throws Exception {
    double rejected = node.metrics().rejectedCount(reason);
    double brokerConnections = brokerConnections();
    try (RawWebSocket ws = RawWebSocket.connect(port(listener), READ_TIMEOUT_MILLIS)) {
      RawWebSocket.Response response = ws.request(request);
      assertEquals(status, response.status(), what);
      assertEquals("close", response.headers().get("connection"));
      if (status == 426) {
        assertEquals("websocket", response.headers().get("upgrade"));
        assertEquals("13", response.headers().get("sec-websocket-version"));
      }
      assertTrue(ws.closedByPeer(), what + ": closed after the answer");
    }
    assertEquals(rejected + 1, node.metrics().rejectedCount(reason), what + " counted as " + reason);
    assertEquals(brokerConnections, brokerConnections(), "no broker connection for " + what);
  }

  static Stream<Arguments> notHttp() {
    byte[] random = new byte[300];
    new Random(42).nextBytes(random);
    random[0] = (byte) 0xA5;
    return Stream.of(
        Arguments.of("random bytes", random),
        Arguments.of("a plain MQTT CONNECT", Mqtt.connect("plain-mqtt-on-ws")));
  }

  @ParameterizedTest(name = "{0} is closed without an answer")
  @MethodSource("notHttp")
  void bytesThatAreNotHttpAreClosedAtOnce(String what, byte[] bytes) throws Exception {
    double rejected = node.metrics().rejectedCount(Metrics.REASON_WEBSOCKET_NOT_HTTP);
    double timedOut = node.metrics().rejectedCount(Metrics.REASON_CONNECT_TIMEOUT);
    double brokerConnections = brokerConnections();
    try (RawWebSocket ws = RawWebSocket.connect(port("ws"), READ_TIMEOUT_MILLIS)) {
      ws.write(bytes);
      assertTrue(ws.closedByPeer(), what + " closed");
    }
    assertEquals(rejected + 1, node.metrics().rejectedCount(Metrics.REASON_WEBSOCKET_NOT_HTTP), "counted at the first byte");
    assertEquals(timedOut, node.metrics().rejectedCount(Metrics.REASON_CONNECT_TIMEOUT), "not left to the connect timeout");
    assertEquals(brokerConnections, brokerConnections());
  }

  static Stream<Arguments> badFrames() {
    return Stream.of(
        Arguments.of("a text frame", "ws", RawWebSocket.OPCODE_TEXT, 10, true, 1003, Metrics.REASON_WEBSOCKET_BAD_FRAME),
        Arguments.of("a frame over maxFrameBytes", "ws-strict", RawWebSocket.OPCODE_BINARY, STRICT_MAX_FRAME + 1, true, 1009,
            Metrics.REASON_WEBSOCKET_FRAME_TOO_LARGE),
        Arguments.of("an unmasked frame", "ws", RawWebSocket.OPCODE_BINARY, 10, false, 1002, Metrics.REASON_WEBSOCKET_BAD_FRAME),
        Arguments.of("a continuation without a start", "ws", RawWebSocket.OPCODE_CONTINUATION, 10, true, 1002,
            Metrics.REASON_WEBSOCKET_BAD_FRAME));
  }

  @ParameterizedTest(name = "{0} gets close {5}")
  @MethodSource("badFrames")
  void aBadFrameGetsItsCloseStatusAndNoBrokerConnection(String what, String listener, int opcode, int length, boolean masked,
                                                        int closeStatus, String reason) throws Exception {
    double rejected = node.metrics().rejectedCount(reason);
    double brokerConnections = brokerConnections();
    try (RawWebSocket ws = RawWebSocket.connect(port(listener), READ_TIMEOUT_MILLIS)) {
      assertEquals(101, ws.request(RawWebSocket.upgradeRequest("/mqtt")).status());
      ws.sendFrame(opcode, true, new byte[length], masked);
      Frame close = ws.readFrame();
      assertEquals(RawWebSocket.OPCODE_CLOSE, close.opcode(), what);
      assertEquals(closeStatus, close.closeStatus(), what);
      assertTrue(ws.closedByPeer(), what + ": closed after the close frame");
    }
    assertEquals(rejected + 1, node.metrics().rejectedCount(reason), what + " counted as " + reason);
    assertEquals(brokerConnections, brokerConnections(), "no broker connection for " + what);
  }

  @Test
  void theUpgradeAndTheConnectShareTheConnectTimeout() throws Exception {
    double timedOut = node.metrics().rejectedCount(Metrics.REASON_CONNECT_TIMEOUT);
    try (RawWebSocket halfRequest = RawWebSocket.connect(port("ws"), READ_TIMEOUT_MILLIS);
         RawWebSocket upgradedOnly = RawWebSocket.connect(port("ws"), READ_TIMEOUT_MILLIS)) {
      halfRequest.write("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals(101, upgradedOnly.request(RawWebSocket.upgradeRequest("/mqtt")).status());
      assertTrue(halfRequest.closedByPeer(), "a request that never ends is closed");
      Frame close = upgradedOnly.readFrame();
      assertEquals(RawWebSocket.OPCODE_CLOSE, close.opcode(), "an upgraded client without CONNECT gets a close frame");
      assertTrue(upgradedOnly.closedByPeer());
    }
    assertEquals(timedOut + 2, node.metrics().rejectedCount(Metrics.REASON_CONNECT_TIMEOUT));
  }

  @Test
  void aRejectedConnectGetsItsConnackInABinaryFrame() throws Exception {
    // CONNECT "MQTT" level 6: refused with a CONNACK (0x01 or 0x84), then closed.
    try (RawWebSocket ws = RawWebSocket.connect(port("ws"), READ_TIMEOUT_MILLIS)) {
      assertEquals(101, ws.request(RawWebSocket.upgradeRequest("/mqtt")).status());
      ws.sendBinary(HexFormat.of().parseHex("100c00044d5154540602003c0000"));
      byte[] connack = ws.readBinary(4);
      assertEquals(0x20, connack[0]);
      assertTrue(connack[3] == 0x01 || connack[3] == (byte) 0x84, "refused as unsupported version");
      assertEquals(RawWebSocket.OPCODE_CLOSE, ws.readFrame().opcode());
      assertTrue(ws.closedByPeer());
    }
  }

  @Test
  void aHiveMqClientIsRefusedOnAnotherPathAndTheNodeGoesOnServing() {
    double rejected = node.metrics().rejectedCount(Metrics.REASON_WEBSOCKET_PATH);
    Mqtt3BlockingClient wrongPath = Mqtt3Client.builder().identifier("ws-wrong-path")
        .serverHost("127.0.0.1").serverPort(port("ws"))
        .webSocketConfig().serverPath("not-mqtt").applyWebSocketConfig().buildBlocking();
    assertThrows(RuntimeException.class, () -> wrongPath.connectWith().cleanSession(true).send());
    assertEquals(rejected + 1, node.metrics().rejectedCount(Metrics.REASON_WEBSOCKET_PATH));
    assertFalse(brokerReached(ws3("ws-after-refusal", port("ws"))).isEmpty());
  }

  // ---- helpers ----

  private static Mqtt3BlockingClient ws3(String clientId, int port) {
    return Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
        .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
  }

  private static Mqtt5BlockingClient ws5(String clientId, int port) {
    return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
        .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
  }

  /** Connects, reads the retained marker of the broker reached, disconnects: that broker's id, as it says itself. */
  private static String brokerReached(Mqtt3BlockingClient client) {
    client.connectWith().cleanSession(true).send();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt3Publish> marker = publishes.receive(10, TimeUnit.SECONDS);
      return new String(marker.orElseThrow().getPayloadAsBytes(), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      client.disconnect();
    }
  }

  private static String brokerReached(Mqtt5BlockingClient client) throws InterruptedException {
    client.connectWith().cleanStart(true).send();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt5Publish> marker = publishes.receive(10, TimeUnit.SECONDS);
      return new String(marker.orElseThrow().getPayloadAsBytes(), StandardCharsets.UTF_8);
    } finally {
      client.disconnect();
    }
  }

  private static String routeApiBroker(String clientId) throws Exception {
    HttpResponse<String> route = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.adminPort() + "/api/v1/route?clientId=" + clientId)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, route.statusCode(), route.body());
    return new JsonObject(route.body()).getString("broker");
  }

  /** A client id {@code prefix-i} that the ring gives to the same broker as {@code clientId}. */
  private static String sameBrokerAs(String clientId, String prefix) {
    String owner = tier.ringOwner(clientId);
    for (int i = 0; ; i++) {
      if (tier.ringOwner(prefix + i).equals(owner)) {
        return prefix + i;
      }
    }
  }

  private static double brokerConnections() {
    return Stream.of("b1", "b2", "b3").mapToDouble(id -> node.metrics().broker(id).total()).sum();
  }

  private static byte[] payload(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.write(part, 0, part.length);
    }
    return all.toByteArray();
  }

  private static List<byte[]> split(byte[] bytes, int size) {
    return Stream.iterate(0, from -> from < bytes.length, from -> from + size)
        .map(from -> Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + size))).toList();
  }

  /** MQTT 3.1.1 packets of the test's own bytes, for framings real clients do not choose. */
  private static final class Mqtt {
    static byte[] connect(String clientId) {
      byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(HexFormat.of().parseHex("00044d51545404" + "02" + "003c")); // "MQTT" 4, clean session, keep-alive 60
      writeString(body, id);
      return packet(0x10, body.toByteArray());
    }

    static byte[] subscribe(int packetId, String filter) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(packetId >>> 8);
      body.write(packetId);
      writeString(body, filter.getBytes(StandardCharsets.UTF_8));
      body.write(0); // QoS 0
      return packet(0x82, body.toByteArray());
    }

    static byte[] publish(String topic, byte[] payload) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      writeString(body, topic.getBytes(StandardCharsets.UTF_8));
      body.writeBytes(payload);
      return packet(0x30, body.toByteArray());
    }

    private static void writeString(ByteArrayOutputStream out, byte[] text) {
      out.write(text.length >>> 8);
      out.write(text.length);
      out.writeBytes(text);
    }

    private static byte[] packet(int firstByte, byte[] body) {
      ByteArrayOutputStream packet = new ByteArrayOutputStream();
      packet.write(firstByte);
      int length = body.length;
      do { // Remaining Length, MQTT 3.1.1 §2.2.3
        int digit = length % 128;
        length /= 128;
        packet.write(length > 0 ? digit | 0x80 : digit);
      } while (length > 0);
      packet.writeBytes(body);
      return packet.toByteArray();
    }
  }

  /** The JDK's WebSocket client, collecting what arrives. */
  private static final class JdkClient implements WebSocket.Listener {
    final CompletableFuture<byte[]> pong = new CompletableFuture<>();
    final CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    WebSocket socket;

    static JdkClient open(int port) throws Exception {
      JdkClient client = new JdkClient();
      client.socket = http.newWebSocketBuilder().subprotocols("mqtt")
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/mqtt"), client).get(10, TimeUnit.SECONDS);
      assertEquals("mqtt", client.socket.getSubprotocol());
      return client;
    }

    @Override
    public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      binary.writeBytes(bytes);
      notifyAll();
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      byte[] bytes = new byte[message.remaining()];
      message.get(bytes);
      pong.complete(bytes);
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeStatus.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeStatus.completeExceptionally(error);
    }

    synchronized byte[] awaitBinary(int count) throws InterruptedException, IOException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (binary.size() < count) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new IOException("only " + binary.size() + " of " + count + " bytes arrived");
        }
        wait(left);
      }
      return binary.toByteArray();
    }
  }
}
