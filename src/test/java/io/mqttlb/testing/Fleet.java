package io.mqttlb.testing;

import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * Many persistent-session clients (HiveMQ MQTT client, async API) that stay connected through a
 * tier of balancer nodes and report, from the brokers' own answers, where each of them is.
 *
 * <p>Client {@code i} speaks MQTT 3.1.1 when {@code i} is even and MQTT 5 when it is odd, and first
 * connects through node port {@code i mod ports}. Sessions outlive connections (clean session off;
 * MQTT 5: clean start off and a session expiry of an hour), except in a fleet of clean clients
 * ({@link #connectClean}), whose sessions end with each connection (clean session on; MQTT 5: clean
 * start on, no session expiry). When a connection breaks (the broker
 * died, the balancer closed it, a server DISCONNECT), the client reconnects by itself after a
 * short random delay <em>through the next node</em>, as a client behind DNS round robin would.
 *
 * <p>After every (re)connect a client subscribes to {@link MosquittoBroker#MARKER_TOPIC}; the
 * retained marker that comes back names the broker it reached. Each client keeps the broker it is
 * on now, every landing (broker, time), and every disconnect of an established connection (time
 * and, for MQTT 5, the reason code of a server DISCONNECT if one came). Failed reconnect attempts
 * and the test's own disconnects ({@link #bounce}, {@link #close}) are not disconnects. Times are {@link System#nanoTime()} values, comparable with a test's own.
 *
 * <p>Threads and memory stay bounded whatever the fleet's size: every client uses the HiveMQ
 * client's default executor configuration, whose Netty event loops and application scheduler are
 * shared by all clients of the JVM, and connects and disconnects run a bounded number at a time.
 * Thread-safe: callbacks record on HiveMQ's threads, tests read on theirs.
 */
public final class Fleet implements AutoCloseable {
  /** The reason code of an MQTT 5 DISCONNECT that asks the client to use another server (MQTT 5 §3.14.2.1). */
  public static final int USE_ANOTHER_SERVER = 0x9C;
  private static final int MAX_IN_FLIGHT = 64;
  private static final long SESSION_EXPIRY_SECONDS = 3600;
  private static final int KEEP_ALIVE_SECONDS = 30;
  private static final long RECONNECT_MIN_MILLIS = 100;
  private static final long RECONNECT_MAX_MILLIS = 300;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

  /** One landing: the broker a (re)connect reached, by its marker, and when the marker arrived. */
  public record Landing(String broker, long atNanos) {
  }

  /** One end of an established connection; {@code reasonCode} is null unless a server DISCONNECT carried one. */
  public record Disconnect(long atNanos, Integer reasonCode, MqttDisconnectSource source, String cause) {
  }

  private final List<Integer> ports;
  private final boolean clean;
  private final Map<String, Member> members = new LinkedHashMap<>();

  private Fleet(List<Integer> ports, boolean clean) {
    this.ports = List.copyOf(ports);
    this.clean = clean;
  }

  /**
   * Builds one client per id and connects them all, {@value #MAX_IN_FLIGHT} at a time; returns once
   * every connect was answered (it does not wait for markers: see {@link #awaitAllConnected}).
   */
  public static Fleet connect(List<String> clientIds, List<Integer> nodePorts) throws InterruptedException {
    return connect(clientIds, nodePorts, false);
  }

  /** As {@link #connect}, for clients whose sessions end with each connection. */
  public static Fleet connectClean(List<String> clientIds, List<Integer> nodePorts) throws InterruptedException {
    return connect(clientIds, nodePorts, true);
  }

  private static Fleet connect(List<String> clientIds, List<Integer> nodePorts, boolean clean)
      throws InterruptedException {
    Fleet fleet = new Fleet(nodePorts, clean);
    for (int i = 0; i < clientIds.size(); i++) {
      String id = clientIds.get(i);
      if (fleet.members.put(id, fleet.new Member(id, i % 2 == 1, i % nodePorts.size())) != null) {
        throw new IllegalArgumentException("duplicate client id " + id);
      }
    }
    fleet.inBatches(fleet.members.values(), Member::connect);
    return fleet;
  }

  private void inBatches(Collection<Member> which, java.util.function.Function<Member, CompletableFuture<?>> action)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (Member member : which) {
      inFlight.acquire();
      all.add(action.apply(member).handle((v, e) -> null).whenComplete((v, e) -> inFlight.release()));
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("fleet operation did not finish within " + CLOSE_TIMEOUT, e);
    }
  }

  // ---- what tests read ----

  public List<String> ids() {
    return List.copyOf(members.keySet());
  }

  public int size() {
    return members.size();
  }

  public boolean isMqtt5(String clientId) {
    return member(clientId).mqtt5;
  }

  /** The broker the client is on now; null while it is disconnected or has not read its marker yet. */
  public String brokerOf(String clientId) {
    return member(clientId).broker;
  }

  public List<Landing> landings(String clientId) {
    return member(clientId).landings();
  }

  public List<Disconnect> disconnects(String clientId) {
    return member(clientId).disconnects();
  }

  /** The client's disconnects at or after {@code sinceNanos}. */
  public List<Disconnect> disconnectsSince(String clientId, long sinceNanos) {
    return member(clientId).disconnects().stream().filter(d -> d.atNanos() - sinceNanos >= 0).toList();
  }

  /** The clients with at least one disconnect at or after {@code sinceNanos}. */
  public List<String> disconnectedSince(long sinceNanos) {
    return members.keySet().stream().filter(id -> !disconnectsSince(id, sinceNanos).isEmpty()).toList();
  }

  /** The disconnect times at or after {@code sinceNanos} of {@code clientIds}, in ascending order. */
  public List<Long> disconnectTimes(Collection<String> clientIds, long sinceNanos) {
    List<Long> times = new ArrayList<>();
    for (String id : clientIds) {
      disconnectsSince(id, sinceNanos).forEach(d -> times.add(d.atNanos()));
    }
    Collections.sort(times);
    return times;
  }

  /** The first landing at or after {@code sinceNanos} on {@code broker}, or null. */
  public Landing firstLandingSince(String clientId, long sinceNanos, String broker) {
    return landings(clientId).stream()
        .filter(l -> l.atNanos() - sinceNanos >= 0 && l.broker().equals(broker))
        .findFirst().orElse(null);
  }

  /** Connected clients per broker (by their markers), sorted by broker id. */
  public Map<String, Integer> distribution() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Member member : members.values()) {
      String broker = member.broker;
      counts.merge(broker == null ? "<none>" : broker, 1, Integer::sum);
    }
    return counts;
  }

  /** The ids of the clients that are on {@code broker} now. */
  public List<String> clientsOn(String broker) {
    return members.values().stream().filter(m -> broker.equals(m.broker)).map(m -> m.id).toList();
  }

  /** Waits until every client is connected and has read its broker's marker. */
  public void awaitAllConnected(Duration timeout) throws InterruptedException {
    awaitPlaced("every client connected with its marker", timeout, id -> brokerOf(id) != null);
  }

  /**
   * Waits until each client of {@code expected} is on its expected broker; fails naming up to ten
   * clients that are not, with where they are.
   */
  public void awaitOn(Map<String, String> expected, Duration timeout) throws InterruptedException {
    awaitPlaced(expected.size() + " clients on their expected brokers", timeout,
        id -> !expected.containsKey(id) || expected.get(id).equals(brokerOf(id)));
  }

  private void awaitPlaced(String what, Duration timeout, Predicate<String> placed) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> off = members.keySet().stream().filter(placed.negate()).toList();
      if (off.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        StringBuilder sample = new StringBuilder();
        off.stream().limit(10).forEach(id -> sample.append("\n  ").append(id).append(" on ").append(brokerOf(id))
            .append(", landings ").append(landings(id)).append(", disconnects ").append(disconnects(id)));
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + ": " + off.size()
            + " are not (first ten below); distribution " + distribution() + sample);
      }
      Thread.sleep(20);
    }
  }

  /** Disconnects per second over a sorted list of times: (n − 1) / (last − first). */
  public static double rate(List<Long> sortedNanos) {
    if (sortedNanos.size() < 2) {
      return Double.NaN;
    }
    long span = sortedNanos.get(sortedNanos.size() - 1) - sortedNanos.get(0);
    return (sortedNanos.size() - 1) / (span / 1e9);
  }

  /**
   * Opens a new connection for each of {@code clientIds}: a normal DISCONNECT, then a connect with
   * the same session; returns once each is connected again (markers may still be on their way).
   */
  public void bounce(Collection<String> clientIds) throws InterruptedException {
    List<Member> which = clientIds.stream().map(this::member).toList();
    inBatches(which, m -> m.disconnect(false).thenCompose(v -> m.connect()));
  }

  private Member member(String clientId) {
    Member member = members.get(clientId);
    if (member == null) {
      throw new IllegalArgumentException("no client " + clientId + " in this fleet");
    }
    return member;
  }

  /** Disconnects every client (a normal DISCONNECT, so no reconnect), a bounded number at a time. */
  @Override
  public void close() {
    try {
      inBatches(members.values(), m -> m.disconnect(true));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (AssertionError slow) {
      System.err.println("Fleet: " + slow.getMessage());
    }
  }

  private MqttClientTransportConfig transport(int nodeIndex) {
    return MqttClientTransportConfig.builder().serverHost("127.0.0.1").serverPort(ports.get(nodeIndex)).build();
  }

  /** One client and what it saw. */
  private final class Member {
    final String id;
    final boolean mqtt5;
    final Mqtt3AsyncClient v3;
    final Mqtt5AsyncClient v5;
    /** The node the client (re)connects through; written by HiveMQ's callbacks, one at a time per client. */
    volatile int nodeIndex;
    volatile boolean connected;
    volatile boolean closing;
    volatile String broker;
    private final List<Landing> landings = new ArrayList<>();
    private final List<Disconnect> disconnects = new ArrayList<>();

    Member(String id, boolean mqtt5, int nodeIndex) {
      this.id = id;
      this.mqtt5 = mqtt5;
      this.nodeIndex = nodeIndex;
      if (mqtt5) {
        v3 = null;
        v5 = Mqtt5Client.builder().identifier(id).transportConfig(transport(nodeIndex))
            .addConnectedListener(ctx -> onConnected())
            .addDisconnectedListener(this::onDisconnected)
            .buildAsync();
        v5.publishes(MqttGlobalPublishFilter.ALL, p -> onMarker(p.getTopic().toString(), p.getPayloadAsBytes()));
      } else {
        v5 = null;
        v3 = Mqtt3Client.builder().identifier(id).transportConfig(transport(nodeIndex))
            .addConnectedListener(ctx -> onConnected())
            .addDisconnectedListener(this::onDisconnected)
            .buildAsync();
        v3.publishes(MqttGlobalPublishFilter.ALL, p -> onMarker(p.getTopic().toString(), p.getPayloadAsBytes()));
      }
    }

    CompletableFuture<Void> connect() {
      if (mqtt5) {
        return v5.connectWith().cleanStart(clean).sessionExpiryInterval(clean ? 0 : SESSION_EXPIRY_SECONDS)
            .keepAlive(KEEP_ALIVE_SECONDS).send().thenAccept(connack -> { });
      }
      return v3.connectWith().cleanSession(clean).keepAlive(KEEP_ALIVE_SECONDS).send().thenAccept(connack -> { });
    }

    CompletableFuture<Void> disconnect(boolean forGood) {
      closing = forGood;
      if (!connected) {
        return CompletableFuture.completedFuture(null);
      }
      return mqtt5 ? v5.disconnect() : v3.disconnect();
    }

    private void onConnected() {
      broker = null;
      connected = true;
      // Subscribing again replaces the subscription and re-sends retained messages (MQTT 3.1.1
      // §3.8.4; MQTT 5 retain handling 0), so the marker comes back on a resumed session too.
      if (mqtt5) {
        v5.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      } else {
        v3.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      }
    }

    private void onMarker(String topic, byte[] payload) {
      if (!MosquittoBroker.MARKER_TOPIC.equals(topic)) {
        return;
      }
      String reached = new String(payload, StandardCharsets.UTF_8);
      long now = System.nanoTime();
      synchronized (this) {
        landings.add(new Landing(reached, now));
      }
      broker = reached;
    }

    private void onDisconnected(MqttClientDisconnectedContext ctx) {
      long now = System.nanoTime();
      if (connected) {
        connected = false;
        if (ctx.getSource() == MqttDisconnectSource.USER) {
          broker = null;
          return; // the test's own doing (close, bounce): not a disconnect, and no reconnect
        }
        broker = null;
        Integer reasonCode = null;
        if (ctx.getCause() instanceof Mqtt5DisconnectException disconnect && ctx.getSource() == MqttDisconnectSource.SERVER) {
          reasonCode = disconnect.getMqttMessage().getReasonCode().getCode();
        }
        synchronized (this) {
          disconnects.add(new Disconnect(now, reasonCode, ctx.getSource(), String.valueOf(ctx.getCause())));
        }
      }
      if (closing) {
        return;
      }
      int next = (nodeIndex + 1) % ports.size();
      nodeIndex = next;
      long delay = ThreadLocalRandom.current().nextLong(RECONNECT_MIN_MILLIS, RECONNECT_MAX_MILLIS + 1);
      ctx.getReconnector().reconnect(true).delay(delay, TimeUnit.MILLISECONDS).transportConfig(transport(next));
    }

    synchronized List<Landing> landings() {
      return List.copyOf(landings);
    }

    synchronized List<Disconnect> disconnects() {
      return List.copyOf(disconnects);
    }
  }
}
