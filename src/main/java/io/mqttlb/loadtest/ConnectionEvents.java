package io.mqttlb.loadtest;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which broker node each client reached, as the brokers announce it. EMQX publishes, for every
 * client that connects, a message on {@code $SYS/brokers/<node>/clients/<clientid>/connected}
 * whose JSON payload carries {@code clientid} (with {@code ipaddress}, {@code proto_ver},
 * {@code connected_at} and more, which we do not need); Aedes publishes the client id alone on
 * {@code $SYS/<broker id>/new/clients}:
 *
 * <pre>
 *   $SYS/brokers/emqx@10.0.0.7/clients/dev-000042/connected
 *   {"clientid":"dev-000042","username":"undefined","ipaddress":"127.0.0.1","proto_ver":5,"connack":0,...}
 *   → dev-000042 is on node emqx@10.0.0.7
 *
 *   $SYS/a1/new/clients   dev-000042   → dev-000042 is on broker a1
 * </pre>
 *
 * Events arrive on a monitor connection, unordered with the users' own CONNACKs, so each client
 * id keeps a count of events: a user reads the count before its CONNECT and waits for a later
 * event. Thread-safe.
 */
final class ConnectionEvents {
  /** EMQX's connected events of every client on every node. */
  static final String EMQX_FILTER = "$SYS/brokers/+/clients/+/connected";
  /** Aedes's new-client events of every broker. */
  static final String AEDES_FILTER = "$SYS/+/new/clients";
  /** What the event monitor subscribes to. */
  static final List<String> FILTERS = List.of(EMQX_FILTER, AEDES_FILTER);
  private static final String PREFIX = "$SYS/brokers/";
  private static final String SYS = "$SYS/";
  private static final String AEDES_SUFFIX = "/new/clients";
  private static final String CLIENTS = "/clients/";
  private static final String SUFFIX = "/connected";

  /** One announced connection: the node a client reached. */
  record Event(String node, String clientId) {}

  private final Map<String, Seen> byClient = new ConcurrentHashMap<>();

  /** The latest event of one client and how many there were, with whoever waits for the next. */
  private static final class Seen {
    long count;
    String node;
    CompletableFuture<String> next = new CompletableFuture<>();
  }

  /**
   * The event a message announces, or empty when it is none: another topic, a payload that is not
   * a JSON object, or one whose {@code clientid} disagrees with the topic's.
   */
  static Optional<Event> parse(String topic, byte[] payload) {
    if (topic.startsWith(SYS) && topic.endsWith(AEDES_SUFFIX)) {
      return parseAedes(topic, payload);
    }
    if (!topic.startsWith(PREFIX) || !topic.endsWith(SUFFIX)) {
      return Optional.empty();
    }
    int clients = topic.indexOf(CLIENTS, PREFIX.length());
    int idStart = clients + CLIENTS.length();
    int idEnd = topic.length() - SUFFIX.length();
    if (clients <= PREFIX.length() || idStart >= idEnd) {
      return Optional.empty();
    }
    String node = topic.substring(PREFIX.length(), clients);
    String clientId = topic.substring(idStart, idEnd);
    if (node.contains("/")) {
      return Optional.empty();
    }
    try {
      JsonObject json = new JsonObject(new String(payload, StandardCharsets.UTF_8));
      Object named = json.getValue("clientid");
      if (named != null && !clientId.equals(named.toString())) {
        return Optional.empty();
      }
    } catch (DecodeException | ClassCastException notJson) {
      return Optional.empty();
    }
    return Optional.of(new Event(node, clientId));
  }

  /** {@code $SYS/<broker id>/new/clients} with the client id as the whole payload. */
  private static Optional<Event> parseAedes(String topic, byte[] payload) {
    String broker = topic.substring(SYS.length(), topic.length() - AEDES_SUFFIX.length());
    String clientId = new String(payload, StandardCharsets.UTF_8);
    if (broker.isEmpty() || broker.contains("/") || clientId.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Event(broker, clientId));
  }

  /** Records an event and completes the wait of its client, if any. */
  void accept(Event event) {
    CompletableFuture<String> waiting;
    Seen seen = byClient.computeIfAbsent(event.clientId(), id -> new Seen());
    synchronized (seen) {
      seen.count++;
      seen.node = event.node();
      waiting = seen.next;
      seen.next = new CompletableFuture<>();
    }
    waiting.complete(event.node());
  }

  /** How many events of this client came so far: read it before the CONNECT whose event you want. */
  long count(String clientId) {
    Seen seen = byClient.computeIfAbsent(clientId, id -> new Seen());
    synchronized (seen) {
      return seen.count;
    }
  }

  /** The node of the first event after {@code count} events of this client (already complete if it came). */
  CompletableFuture<String> after(String clientId, long count) {
    Seen seen = byClient.computeIfAbsent(clientId, id -> new Seen());
    synchronized (seen) {
      return seen.count > count ? CompletableFuture.completedFuture(seen.node) : seen.next;
    }
  }
}
