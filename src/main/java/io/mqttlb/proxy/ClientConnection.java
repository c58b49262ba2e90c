package io.mqttlb.proxy;

import io.mqttlb.cluster.StickyEvent;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.metrics.Metrics.BrokerMeters;
import io.mqttlb.mqtt.Connack;
import io.mqttlb.mqtt.ConnectInfo;
import io.mqttlb.mqtt.ConnectParser;
import io.mqttlb.mqtt.ConnectResult;
import io.mqttlb.mqtt.ServerDisconnect;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.routing.RoutingKey;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, from its first byte to its close. Confined to the event loop of the
 * listener that accepted it, so it needs no locks.
 *
 * <pre>
 *   AWAITING_CONNECT --valid CONNECT--> DIALING --broker up--> RELAYING --either side closes--> CLOSED
 *          |  invalid, too large, timeout          | every broker failed
 *          +---------------------------------------+--> CLOSED (no broker connection is left open)
 * </pre>
 *
 * <p>The client's bytes are buffered until they hold a complete CONNECT, the client is paused while
 * the broker connection opens, the buffered bytes (CONNECT and anything pipelined after it) are
 * replayed to the broker, and from then on bytes flow both ways through {@link Forwarder}s. Closing
 * either side closes the other. In table mode the client's sticky entry is written when the relay
 * starts and refreshed when it ends, so that its TTL counts from the last disconnect (DESIGN §2.4).
 */
final class ClientConnection {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
  /** Re-parse a partial CONNECT on every read only while it is this short; see {@link #worthParsing}. */
  private static final int EARLY_PARSE_BYTES = 32;
  private static final int MQTT_5 = 5;
  private static final byte[] USE_ANOTHER_SERVER = ServerDisconnect.withReason(ServerDisconnect.USE_ANOTHER_SERVER);
  /** How long a moved MQTT 5 client's relay waits for a packet boundary (and the DISCONNECT's write). */
  static final long DISCONNECT_GRACE_MILLIS = 1000;

  private enum State { AWAITING_CONNECT, DIALING, RELAYING, CLOSED }

  private final Vertx vertx;
  private final NetSocket client;
  private final NetClient brokerClient;
  private final ProxyRuntime runtime;
  private final Metrics metrics;
  private final SocketAddress remote;
  private final RelayedClients relayed;

  private State state = State.AWAITING_CONNECT;
  private byte[] pending = new byte[128];
  private int pendingLength;
  private long connectTimer = -1;
  private NetSocket broker;
  private BrokerMeters brokerMeters;
  private RouteDecision routed;
  private int protocolLevel;
  /** The broker→client relay of an MQTT 5 client, which can end at a packet boundary; null otherwise. */
  private BoundaryForwarder toClient;
  private boolean moving;

  ClientConnection(Vertx vertx, NetSocket client, NetClient brokerClient, ProxyRuntime runtime,
                   RelayedClients relayed) {
    this.vertx = vertx;
    this.relayed = relayed;
    this.client = client;
    this.brokerClient = brokerClient;
    this.runtime = runtime;
    this.metrics = runtime.metrics();
    this.remote = client.remoteAddress(); // formatted only if a debug line is written
  }

  void start() {
    client.handler(this::onConnectBytes);
    client.closeHandler(v -> onClientClosed());
    client.exceptionHandler(e -> {
      log.debug("client {}: {}", remote, e.toString());
      client.close();
    });
    connectTimer = vertx.setTimer(runtime.limits().connectTimeout().toMillis(), id -> {
      connectTimer = -1;
      if (state == State.AWAITING_CONNECT) {
        reject(Metrics.REASON_CONNECT_TIMEOUT, "no complete CONNECT within " + runtime.limits().connectTimeout(), null);
      }
    });
  }

  private void onConnectBytes(Buffer data) {
    if (state == State.CLOSED) {
      return;
    }
    int before = pendingLength;
    append(data);
    if (state != State.AWAITING_CONNECT || !worthParsing(before)) {
      return; // DIALING: the client is paused; stragglers of the last read are replayed with the rest
    }
    ConnectResult result = runtime.parser().parse(pending, 0, pendingLength);
    if (result.needsMore()) {
      return;
    }
    if (result.isInvalid()) {
      reject(result.reason().metricLabel(), result.detail(),
          Connack.forRejection(result.protocolLevel(), result.reason()));
      return;
    }
    client.pause();
    cancelConnectTimer();
    state = State.DIALING;
    ConnectInfo info = result.info();
    protocolLevel = info.protocolLevel();
    RouteDecision decision = runtime.router().route(info.clientId(), info.username(), remote.hostAddress());
    if (decision == null) {
      reject(Metrics.REASON_NO_BROKER, "no broker configured", Connack.serverUnavailable(info.protocolLevel()));
      return;
    }
    dial(decision, info, new HashSet<>());
  }

  /**
   * A read is parsed when the bytes before it were few (so that garbage and wrong protocol names
   * are refused at the first read that shows them) or once the declared packet length has arrived:
   * re-parsing a large CONNECT fed one byte at a time on every read would cost quadratic time.
   */
  private boolean worthParsing(int lengthBeforeRead) {
    if (lengthBeforeRead <= EARLY_PARSE_BYTES) {
      return true;
    }
    int declared = ConnectParser.declaredPacketLength(pending, 0, pendingLength);
    return declared < 0 || pendingLength >= declared;
  }

  private void dial(RouteDecision decision, ConnectInfo info, Set<String> tried) {
    String brokerId = decision.broker().id();
    long started = System.nanoTime();
    brokerClient.connect(decision.broker().port(), decision.broker().host()).onComplete(ar -> {
      BrokerMeters meters = metrics.broker(brokerId);
      if (ar.failed()) {
        meters.connectFailed();
        runtime.suspicion().suspect(brokerId);
        runtime.probes().probeNow(brokerId); // confirms a dead broker before its next scheduled check
        if (state == State.CLOSED) {
          return;
        }
        tried.add(brokerId);
        RouteDecision next = runtime.router().next(decision, tried);
        if (next == null) {
          reject(Metrics.REASON_NO_BROKER, "every broker failed, last " + brokerId + ": " + ar.cause().getMessage(),
              Connack.serverUnavailable(info.protocolLevel()));
          return;
        }
        meters.redispatched();
        log.debug("client {} key {}: broker {} failed ({}), redispatching to {}", remote,
            decision.key().value(), brokerId, ar.cause().getMessage(), next.broker().id());
        dial(next, info, tried);
        return;
      }
      NetSocket socket = ar.result();
      if (state == State.CLOSED) {
        socket.close(); // the client left while we dialed
        return;
      }
      runtime.suspicion().clear(brokerId);
      meters.connected(System.nanoTime() - started);
      startRelay(socket, meters, decision);
    });
  }

  private void startRelay(NetSocket socket, BrokerMeters meters, RouteDecision decision) {
    state = State.RELAYING;
    broker = socket;
    broker.setWriteQueueMaxSize(ListenerVerticle.WRITE_QUEUE_MAX_BYTES);
    brokerMeters = meters;
    routed = decision;
    relayed.add(this);
    metrics.routed(decision.source());
    recordSticky(StickyEvent.CONNECTED);
    log.debug("client {} key {} ({}) -> broker {}", remote, decision.key().value(), decision.key().source().label(),
        decision.broker().id());
    broker.closeHandler(v -> onBrokerClosed());
    broker.exceptionHandler(e -> {
      log.debug("broker {} for client {}: {}", decision.broker().id(), remote, e.toString());
      broker.close();
    });
    broker.write(Buffer.buffer(Arrays.copyOf(pending, pendingLength)));
    pending = null;
    if (protocolLevel == MQTT_5) {
      toClient = new BoundaryForwarder(vertx, broker, client, metrics::relayedToClient);
      broker.handler(toClient);
    } else {
      broker.handler(new Forwarder(broker, client, metrics::relayedToClient)); // 3.x: nothing to track
    }
    client.handler(new Forwarder(client, broker, metrics::relayedToBroker));
    client.resume();
  }

  private void reject(String reason, String detail, byte[] connack) {
    state = State.CLOSED;
    cancelConnectTimer();
    pending = null;
    metrics.connectRejected(reason);
    log.debug("closing client {}: {} ({})", remote, reason, detail);
    if (connack != null) {
      client.write(Buffer.buffer(connack)).onComplete(v -> client.close());
    } else {
      client.close();
    }
  }

  private void onClientClosed() {
    metrics.clientClosed();
    cancelConnectTimer();
    State was = state;
    state = State.CLOSED;
    if (was == State.RELAYING) {
      broker.close();
    }
  }

  private void onBrokerClosed() {
    brokerMeters.disconnected();
    state = State.CLOSED;
    client.close();
    relayed.remove(this);
    recordSticky(StickyEvent.DISCONNECTED); // the broker side closes last in every relay: refresh once, here
  }

  /** The broker this client is relayed to; while relaying. */
  String brokerId() {
    return routed.broker().id();
  }

  /** The key this client was routed by; while relaying. */
  RoutingKey routingKey() {
    return routed.key();
  }

  boolean relaying() {
    return state == State.RELAYING && !moving;
  }

  /**
   * Disconnects the client so that it reconnects elsewhere (drain, rebalance). An MQTT 5 client first
   * gets a server DISCONNECT "Use another server" (0x9C) between two packets of the broker's stream;
   * an MQTT 3.x client has no such packet and is just closed. Both sides are closed. Runs on the
   * connection's event loop; false when the client is not relaying (any more).
   */
  boolean moveAway(String kind) {
    if (!relaying()) {
      return false;
    }
    moving = true;
    metrics.moved(kind);
    log.debug("client {} key {}: moving away from broker {} ({})", remote, routed.key().value(), brokerId(), kind);
    if (toClient == null) {
      client.close(); // closes the broker side too
      return true;
    }
    // Read before the call: the write of the DISCONNECT may complete, and report, within it.
    boolean atOnce = toClient.atBoundary();
    toClient.cutAndSend(USE_ANOTHER_SERVER, DISCONNECT_GRACE_MILLIS, sent -> {
      metrics.moveDisconnect(!sent ? Metrics.MOVE_GIVEN_UP : atOnce ? Metrics.MOVE_SENT_AT_ONCE : Metrics.MOVE_SENT_AFTER_PACKET);
      client.close();
      broker.close();
    });
    return true;
  }

  /** Writes or refreshes the sticky entry, in the background, while the tier is in table mode. */
  void recordSticky(StickyEvent event) {
    if (runtime.router().mode() == RoutingMode.TABLE) {
      runtime.state().recordSticky(routed.key().value(), routed.broker().id(), event);
    }
  }

  private void append(Buffer data) {
    int length = data.length();
    if (pendingLength + length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
    }
    data.getBytes(0, length, pending, pendingLength);
    pendingLength += length;
  }

  private void cancelConnectTimer() {
    if (connectTimer >= 0) {
      vertx.cancelTimer(connectTimer);
      connectTimer = -1;
    }
  }
}
