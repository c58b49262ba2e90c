package io.mqttlb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Parsing brokers' connection events and pairing them with connects. No EMQX runs here: its
 * payloads are the ones EMQX documents for {@code $SYS/brokers/<node>/clients/<clientid>/connected}
 * (its "System Topic" page, MQTT 5 and 3.1.1 clients). Aedes's form is also run end to end against
 * real Aedes brokers (LoadTestConnectionEventsEndToEndTest).
 */
class ConnectionEventsTest {
  /** EMQX's documented example payload of a connected event (an MQTT 5 client). */
  private static final String DOCUMENTED_V5 = """
      {"username":"undefined","ts":1582687922392,"sockport":1883,"proto_ver":5,"proto_name":"MQTT",\
      "keepalive":300,"ipaddress":"127.0.0.1","expiry_interval":0,"connected_at":1582687922392,"connack":0,\
      "clientid":"emqtt-8348fe27a87976ad4db3","clean_start":true}""";
  /** The later documented form (MQTT 3.1.1 client, a user name). */
  private static final String DOCUMENTED_V4 = """
      {"username":"foo","ts":1625572213873,"sockport":1883,"proto_ver":4,"proto_name":"MQTT","keepalive":60,\
      "ipaddress":"127.0.0.1","expiry_interval":0,"connected_at":1625572213873,"connack":0,\
      "clientid":"emqtt-8348fe27a87976ad4db3","clean_start":true}""";

  private static Optional<ConnectionEvents.Event> parse(String topic, String payload) {
    return ConnectionEvents.parse(topic, payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theDocumentedEventNamesTheNodeAndTheClient() {
    String topic = "$SYS/brokers/emqx@127.0.0.1/clients/emqtt-8348fe27a87976ad4db3/connected";
    ConnectionEvents.Event expected = new ConnectionEvents.Event("emqx@127.0.0.1", "emqtt-8348fe27a87976ad4db3");
    assertEquals(Optional.of(expected), parse(topic, DOCUMENTED_V5));
    assertEquals(Optional.of(expected), parse(topic, DOCUMENTED_V4));
  }

  @Test
  void aClientIdWithSlashesIsReadFromBetweenClientsAndConnected() {
    assertEquals(Optional.of(new ConnectionEvents.Event("emqx@node2", "site/7/dev")),
        parse("$SYS/brokers/emqx@node2/clients/site/7/dev/connected", "{\"clientid\":\"site/7/dev\"}"));
  }

  @Test
  void aedesNamesTheBrokerInTheTopicAndTheClientInThePayload() {
    assertEquals(Optional.of(new ConnectionEvents.Event("a1", "dev-000042")), parse("$SYS/a1/new/clients", "dev-000042"));
    assertFalse(parse("$SYS//new/clients", "dev-1").isPresent(), "no broker id");
    assertFalse(parse("$SYS/a1/new/clients", "").isPresent(), "no client id");
    assertFalse(parse("$SYS/a1/disconnect/clients", "dev-1").isPresent());
  }

  @Test
  void otherMessagesAreNoEvents() {
    String topic = "$SYS/brokers/emqx@n1/clients/c1/connected";
    assertFalse(parse("$SYS/brokers/emqx@n1/clients/c1/disconnected", "{\"clientid\":\"c1\"}").isPresent());
    assertFalse(parse("$SYS/brokers/emqx@n1/uptime", "12 seconds").isPresent());
    assertFalse(parse("mqttlb/broker", "b1").isPresent());
    assertFalse(parse("$SYS/brokers//clients/c1/connected", "{}").isPresent(), "no node");
    assertFalse(parse("$SYS/brokers/emqx@n1/clients//connected", "{}").isPresent(), "no client id");
    assertFalse(parse(topic, "not json").isPresent());
    assertFalse(parse(topic, "[1,2]").isPresent(), "not an object");
    assertFalse(parse(topic, "{\"clientid\":\"c2\"}").isPresent(), "the payload names another client");
    assertFalse(parse("$SYS/brokers/a/b/clients/c1/connected", "{}").isPresent(), "a node name holds no slash");
  }

  @Test
  void aConnectWaitsForTheFirstEventAfterItsCountEvenOneThatCameBeforeItsConnack() throws Exception {
    ConnectionEvents events = new ConnectionEvents();
    events.accept(new ConnectionEvents.Event("n1", "c1"));
    long before = events.count("c1");
    assertEquals(1, before);
    CompletableFuture<String> waiting = events.after("c1", before);
    assertFalse(waiting.isDone(), "the event of an earlier connect does not count");
    events.accept(new ConnectionEvents.Event("n2", "other"));
    assertFalse(waiting.isDone());
    events.accept(new ConnectionEvents.Event("n2", "c1"));
    assertEquals("n2", waiting.get());

    long second = events.count("c1");
    events.accept(new ConnectionEvents.Event("n3", "c1")); // arrives before the user asks
    CompletableFuture<String> late = events.after("c1", second);
    assertTrue(late.isDone());
    assertEquals("n3", late.get());
  }
}
