package io.mqttlb.proxy;

import io.mqttlb.admission.AdmissionQueue.Ticket;
import io.mqttlb.admission.AdmissionQueue.Verdict;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.metrics.Metrics.BrokerMeters;
import io.mqttlb.metrics.Metrics.TlsMeters;
import io.mqttlb.mqtt.Connack;
import io.mqttlb.mqtt.ConnectInfo;
import io.mqttlb.mqtt.ServerDisconnect;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.routing.RoutingKey;
import io.mqttlb.tls.BrokerTlsContexts;
import io.mqttlb.tls.HandshakeFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, from its first byte to its close: the client's channel, and once routed
 * the broker's. Confined to the event loop of the client's channel (the broker channel is opened on
 * the same loop), so it needs no locks.
 *
 * <pre>
 *   AWAITING_CONNECT --CONNECT--> [ADMITTING] --admitted--> DIALING --broker up--> RELAYING --a side closes--> CLOSED
 *     |  invalid, too large, timeout,   |  queue full, waited too  |  every broker failed
 *     |  over a per-source-address      |  long ("server busy"),   |  (refused, timed out,
 *     |  limit, no valid PROXY header,  |  or the client left      |  TLS failed)
 *     |  a failed TLS handshake, a      |                          |
 *     |  refused WebSocket upgrade      |                          |
 *     |  or frame                       |                          |
 *     +---------------------------------+--------------------------+--> CLOSED (no broker connection is left open)
 * </pre>
 *
 * <p>A client routed to a broker with a connect-rate cap passes the node's {@link BrokerAdmission}
 * first, and so does a client redispatched to the next broker: it dials at once when the cap has
 * room, else waits in ADMITTING (read on, so that its leaving is seen) until admitted or answered
 * "server busy".
 *
 * <p>The client pipeline is [PROXY header decoder, when the listener accepts it] → [TLS and its
 * {@link TlsHandshakeReader}, on a TLS listener] → [the WebSocket stage, on a WebSocket listener:
 * {@link WebSocketStage}] → {@link ConnectReader} → (once routed) {@link RelayHandler}, all of them
 * before the relay within the CONNECT timer that starts at accept; the broker pipeline is [the PROXY
 * header, written first when the broker wants one; a v2 header also tells a TLS client's handshake,
 * see {@link ProxyHeaders}] → [TLS, for a broker with TLS settings: the relay starts once the
 * handshake succeeded; a failed one is a failed connect, see {@link BrokerTlsStage}] →
 * {@link RelayHandler} (or {@link BoundaryRelayHandler} for an MQTT 5 client, whose relay can end
 * between two packets). Closing either side closes the other. In table
 * mode the client's sticky entry is written when the relay starts and refreshed when it ends, so
 * that its TTL counts from the last disconnect (not for a client placed by load: it keeps no session).
 * From its routing (its wait for admission included) until its broker connection is up or has failed,
 * the client counts as placed on that broker ({@link BrokerMeters#placed}), which least-loaded routing reads.
 */
final class ClientConnection implements RelayEnds, BrokerAdmission.Waiter {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
  private static final int MQTT_5 = 5;
  private static final byte[] USE_ANOTHER_SERVER = ServerDisconnect.withReason(ServerDisconnect.USE_ANOTHER_SERVER);
  /** How long a moved MQTT 5 client's relay waits for a packet boundary (and the DISCONNECT's write). */
  static final long DISCONNECT_GRACE_MILLIS = 1000;

  private enum State { AWAITING_CONNECT, ADMITTING, DIALING, RELAYING, CLOSED }

  private final Channel client;
  private final ProxyRuntime runtime;
  private final Metrics metrics;
  private final BrokerDialer dialer;
  private final RelayedClients relayed;
  private final ConnectReader reader;
  /** Where the client is, and the address it connected to: its socket's, or a PROXY header's. */
  private InetSocketAddress clientAddress;
  private InetSocketAddress localAddress;
  private boolean awaitingProxyHeader;
  /** The source address counted against limits.perSourceAddress, released at close; null until then. */
  private InetAddress countedSource;
  /** The listener's TLS meters on a TLS listener, null on a plain one. */
  private TlsMeters tls;
  /** The client's TLS session once its handshake is done; null on a plain listener and until then. */
  private SSLSession tlsSession;
  /** What routing and PROXY v2 headers use of {@link #tlsSession}, read from it on first use. */
  private ClientTls clientTls;

  private State state = State.AWAITING_CONNECT;
  private ScheduledFuture<?> connectTimer;
  private Channel broker;
  private BrokerMeters brokerMeters;
  /**
   * The meters of the broker the client was routed to, whose {@link BrokerMeters#placed} counts it from its routing
   * (its wait for admission included) until its broker connection is up or failed, or the client is gone.
   */
  private BrokerMeters dialing;
  private RouteDecision routed;
  private int protocolLevel;
  /** The CONNECT's fingerprint, entered into the {@link LoopGuard} when the client first dials. */
  private long connectFingerprint;
  /** While ADMITTING: the client's place in its broker's queue, and where it goes once admitted. */
  private Ticket<BrokerAdmission.Waiter> admission;
  private RouteDecision admitting;
  private Set<String> admittingTried;
  /** The CONNECT's fingerprint while it waits for the broker's first byte (see {@link LoopGuard}); 0 otherwise. */
  private long pendingFingerprint;
  /** The broker→client relay of an MQTT 5 client, which can end at a packet boundary; null otherwise. */
  private BoundaryRelayHandler toClient;
  private boolean moving;

  ClientConnection(Channel client, ProxyRuntime runtime, BrokerDialer dialer, RelayedClients relayed,
                   boolean awaitingProxyHeader) {
    this.client = client;
    this.runtime = runtime;
    this.metrics = runtime.metrics();
    this.dialer = dialer;
    this.relayed = relayed;
    this.awaitingProxyHeader = awaitingProxyHeader;
    this.clientAddress = (InetSocketAddress) client.remoteAddress();
    this.localAddress = (InetSocketAddress) client.localAddress();
    this.reader = new ConnectReader(this, runtime.parser());
  }

  ConnectReader reader() {
    return reader;
  }

  /** Starts the CONNECT timer (which also covers the PROXY header and a WebSocket upgrade) and watches the client's close. */
  void start() {
    connectTimer = client.eventLoop().schedule(this::connectTimedOut,
        runtime.limits().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    client.closeFuture().addListener((ChannelFutureListener) f -> onClientClosed());
    if (!awaitingProxyHeader) {
      admitSource();
    }
  }

  /**
   * Counts the client against its source address's limits once that address is known (at accept,
   * or after the PROXY header); over a limit the client is refused at once, before any broker is dialled.
   */
  private void admitSource() {
    InetAddress source = clientAddress.getAddress();
    if (runtime.sources().admit(source)) {
      countedSource = source;
    } else {
      reject(Metrics.REASON_SOURCE_LIMIT, "too many connections from " + source.getHostAddress(), null);
    }
  }

  private void connectTimedOut() {
    connectTimer = null;
    if (state != State.AWAITING_CONNECT) {
      return;
    }
    if (awaitingProxyHeader) {
      reject(Metrics.REASON_PROXY_HEADER, "no PROXY header within " + runtime.limits().connectTimeout(), null);
    } else if (tls != null && tlsSession == null) {
      tls.handshakeFailed(HandshakeFailure.TIMEOUT.label());
      reject(Metrics.REASON_TLS_HANDSHAKE, "no complete TLS handshake within " + runtime.limits().connectTimeout(), null);
    } else {
      reject(Metrics.REASON_CONNECT_TIMEOUT, "no complete CONNECT within " + runtime.limits().connectTimeout(), null);
    }
  }

  /** On a TLS listener: the CONNECT timer covers the handshake, whose failures count with these meters. */
  void awaitTls(TlsMeters meters) {
    this.tls = meters;
  }

  /** The client's TLS handshake succeeded. */
  void tlsEstablished(SSLSession session) {
    this.tlsSession = session;
  }

  /**
   * The client's TLS handshake failed: counted once by reason, and the client closed. A client that
   * closed the connection itself during the handshake is not a failure (as a plain client that
   * leaves before its CONNECT is not a rejection).
   */
  void tlsFailed(Throwable cause) {
    HandshakeFailure reason = HandshakeFailure.of(cause);
    if (state != State.AWAITING_CONNECT || reason == HandshakeFailure.CLOSED) {
      return;
    }
    tls.handshakeFailed(reason.label());
    reject(Metrics.REASON_TLS_HANDSHAKE, "TLS handshake failed, " + reason.label() + ": " + cause, null);
  }

  /** The upstream balancer's PROXY header: its addresses are the client's from now on. */
  void proxied(HAProxyMessage header) {
    awaitingProxyHeader = false;
    useHeaderAddresses(header);
    if (state == State.AWAITING_CONNECT) {
      admitSource();
    }
  }

  private void useHeaderAddresses(HAProxyMessage header) {
    // LOCAL (v2) and UNKNOWN (v1) headers carry no addresses: the upstream's own connection, e.g. its
    // health check, which keeps (and is counted by) the upstream's socket address.
    if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null || header.destinationAddress() == null) {
      return;
    }
    InetAddress source = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
    InetAddress destination = NetUtil.createInetAddressFromIpAddressString(header.destinationAddress());
    if (source != null && destination != null) {
      clientAddress = new InetSocketAddress(source, header.sourcePort());
      localAddress = new InetSocketAddress(destination, header.destinationPort());
    }
  }

  /** What the client's TLS handshake established; null on a plain listener. */
  private ClientTls clientTls() {
    if (clientTls == null && tlsSession != null) {
      clientTls = ClientTls.of(tlsSession);
    }
    return clientTls;
  }

  /** The subject CN of the client's verified certificate, when routing wants it; null otherwise. */
  private String certificateCnIfKey() {
    if (runtime.router().keyField() != KeyField.CERTIFICATE_CN) {
      return null;
    }
    ClientTls tls = clientTls();
    return tls == null ? null : tls.commonName();
  }

  /** A valid CONNECT arrived; the client has stopped reading. Routes it and dials its broker. */
  void connectReceived(ConnectInfo info, long fingerprint) {
    if (state != State.AWAITING_CONNECT) {
      return;
    }
    cancelConnectTimer();
    state = State.DIALING;
    protocolLevel = info.protocolLevel();
    connectFingerprint = fingerprint;
    RouteDecision decision = runtime.router().route(info.clientId(), info.username(), sourceIpIfKey(info),
        certificateCnIfKey(), info.keepsNoSession());
    if (decision == null) {
      reject(Metrics.REASON_NO_BROKER, "no broker configured", Connack.serverUnavailable(protocolLevel));
      return;
    }
    admit(decision, null);
  }

  /** Dials the decision's broker once its connect-rate cap (if it has one) lets the client through. */
  private void admit(RouteDecision decision, Set<String> tried) {
    dialing = metrics.broker(decision.broker().id());
    dialing.dialStarted(); // placed there from now on, while it waits for admission too
    Ticket<BrokerAdmission.Waiter> ticket = runtime.admission().offer(decision.broker().id(), client.eventLoop(), this);
    if (ticket == null || ticket.verdict() == Verdict.ADMITTED) {
      dialAdmitted(decision, tried);
    } else if (ticket.verdict() == Verdict.WAITING) {
      state = State.ADMITTING;
      admission = ticket;
      admitting = decision;
      admittingTried = tried;
      reader.readWhileWaiting(client, runtime.limits().maxConnectBytes());
    } else {
      reject(Metrics.REASON_ADMISSION_QUEUE_FULL, "broker " + decision.broker().id()
          + " is at its connect-rate cap and this node's queue for it is full", Connack.serverBusy(protocolLevel));
    }
  }

  /** The client's broker admitted it after a wait: on to the broker. */
  @Override
  public void admitted() {
    if (state != State.ADMITTING) {
      return;
    }
    state = State.DIALING;
    admission = null;
    reader.stopReading(client);
    dialAdmitted(admitting, admittingTried);
  }

  /** The client waited {@code limits.admissionWait} for its broker: "server busy". */
  @Override
  public void expired() {
    if (state == State.ADMITTING) {
      admission = null;
      reject(Metrics.REASON_ADMISSION_WAIT_EXPIRED, "waited " + runtime.limits().admission().maxWait() + " for broker "
          + admitting.broker().id() + "'s connect-rate cap", Connack.serverBusy(protocolLevel));
    }
  }

  /**
   * Dials an admitted client's broker. Its CONNECT counts as pending in the {@link LoopGuard} from the
   * first dial (not while it waits: many identical CONNECTs of clients without an id may wait at once
   * in a storm) until its broker answers.
   */
  private void dialAdmitted(RouteDecision decision, Set<String> tried) {
    if (pendingFingerprint == 0) {
      if (!runtime.loops().enter(connectFingerprint)) {
        reject(Metrics.REASON_RELAY_LOOP, "the same CONNECT is already waiting for its broker too often (relay loop)",
            Connack.serverUnavailable(protocolLevel));
        return;
      }
      pendingFingerprint = connectFingerprint;
    }
    dial(decision, tried);
  }

  /** The client's address as a routing key, formatted only for a client with neither client id nor user name. */
  private String sourceIpIfKey(ConnectInfo info) {
    boolean noId = info.clientId() == null || info.clientId().isEmpty();
    boolean noUsername = info.username() == null || info.username().isEmpty();
    return noId && noUsername ? clientAddress.getAddress().getHostAddress() : null;
  }

  private void dial(RouteDecision decision, Set<String> tried) {
    long started = System.nanoTime();
    dialer.connect(client.eventLoop(), decision.broker())
        .addListener((ChannelFutureListener) done -> dialed(done, decision, tried, started));
  }

  private void dialed(ChannelFuture done, RouteDecision decision, Set<String> tried, long started) {
    String brokerId = decision.broker().id();
    if (!done.isSuccess()) {
      brokerFailed(decision, tried, done.cause().getMessage());
      return;
    }
    Channel channel = done.channel();
    if (state == State.CLOSED) {
      channel.close(); // the client left while we dialed
      endDial();
      return;
    }
    InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
    if (runtime.loops().isOwnListener(remote)) {
      channel.close();
      endDial();
      runtime.loops().ownListenerReached(brokerId, remote);
      runtime.suspicion().suspect(brokerId);
      redispatch(decision, tried, "its address " + remote + " is this node's own listener");
      return;
    }
    writeProxyHeader(channel, decision.broker().sendProxyProtocol());
    if (decision.broker().tls() == null) {
      brokerReady(channel, decision, started);
      return;
    }
    BrokerTlsStage.secure(channel, decision.broker(), runtime.brokerTls(), dialer.connectTimeoutMillis())
        .addListener(secured -> {
          if (secured.isSuccess()) {
            brokerReady(channel, decision, started);
            return;
          }
          metrics.broker(brokerId).tlsFailed(Metrics.TLS_BY_RELAY);
          brokerFailed(decision, tried, "TLS handshake with " + decision.broker().address() + " as "
              + decision.broker().tlsServerName() + ": " + BrokerTlsContexts.describe(secured.cause()));
        });
  }

  /**
   * A broker that could not be reached (refused, timed out, or a failed TLS handshake): counted,
   * suspect, checked at once, and the client goes to the next broker clockwise.
   */
  private void brokerFailed(RouteDecision decision, Set<String> tried, String why) {
    endDial();
    String brokerId = decision.broker().id();
    metrics.broker(brokerId).connectFailed();
    runtime.suspicion().suspect(brokerId);
    runtime.probes().probeNow(brokerId); // confirms a dead broker before its next scheduled check
    redispatch(decision, tried, why);
  }

  /**
   * The PROXY header, when the broker wants one, goes first and in the clear, before any TLS (as
   * HAProxy's {@code send-proxy ssl} writes it). The encoder handles this one message; the relay
   * writes plain buffers after it.
   */
  private void writeProxyHeader(Channel channel, ProxyProtocol proxyProtocol) {
    if (proxyProtocol != ProxyProtocol.NONE) {
      channel.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
      channel.write(ProxyHeaders.forClient(proxyProtocol, clientAddress, localAddress, clientTls()), channel.voidPromise());
      channel.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
    }
  }

  /** The broker connection is up (and secured, for a TLS broker): relay, unless the client left meanwhile. */
  private void brokerReady(Channel channel, RouteDecision decision, long started) {
    if (state == State.CLOSED) {
      channel.close();
      endDial();
      return;
    }
    String brokerId = decision.broker().id();
    BrokerMeters meters = metrics.broker(brokerId);
    runtime.suspicion().clear(brokerId);
    meters.connected(System.nanoTime() - started);
    endDial(); // after connected(): the broker's placed count never dips between the two
    startRelay(channel, meters, decision);
  }

  /** The dial of {@link #dial} ended, whichever way: the client no longer counts as being placed there. */
  private void endDial() {
    if (dialing != null) {
      dialing.dialEnded();
      dialing = null;
    }
  }

  /** The next broker clockwise for a client whose broker failed, or "server unavailable" when none is left. */
  private void redispatch(RouteDecision failed, Set<String> tried, String why) {
    if (state == State.CLOSED) {
      return;
    }
    Set<String> triedNow = tried == null ? new HashSet<>() : tried;
    triedNow.add(failed.broker().id());
    RouteDecision next = runtime.router().next(failed, triedNow);
    if (next == null) {
      reject(Metrics.REASON_NO_BROKER, "every broker failed, last " + failed.broker().id() + ": " + why,
          Connack.serverUnavailable(protocolLevel));
      return;
    }
    metrics.broker(failed.broker().id()).redispatched();
    if (log.isDebugEnabled()) {
      log.debug("client {} key {}: broker {} failed ({}), redispatching to {}", clientAddress,
          failed.key().value(), failed.broker().id(), why, next.broker().id());
    }
    admit(next, triedNow); // the next broker's cap protects it from the failed broker's clients too
  }

  private void startRelay(Channel channel, BrokerMeters meters, RouteDecision decision) {
    state = State.RELAYING;
    broker = channel;
    brokerMeters = meters;
    routed = decision;
    relayed.add(this);
    metrics.routed(decision.source());
    if (keepsStickyEntry()) {
      runtime.sticky().connected(routed.key().value(), routed.broker().id());
    }
    if (log.isDebugEnabled()) { // a guard, since a call with more than two arguments allocates its array
      log.debug("client {} key {} ({}) -> broker {}", clientAddress, decision.key().value(),
          decision.key().source().label(), decision.broker().id());
    }
    channel.closeFuture().addListener((ChannelFutureListener) f -> onBrokerClosed());
    RelayHandler fromBroker = protocolLevel == MQTT_5 ? (toClient = new BoundaryRelayHandler(this, client))
        : new RelayHandler(this, client, true);
    channel.pipeline().addLast("relay", fromBroker);
    channel.writeAndFlush(reader.takeBuffered(), channel.voidPromise());
    client.pipeline().replace(reader, "relay", new RelayHandler(this, channel, false));
    client.config().setAutoRead(true);
    channel.config().setAutoRead(true);
  }

  /** Counts relayed bytes; the broker's first byte (its CONNACK) ends the CONNECT's pending time. */
  @Override
  public void relayed(boolean fromBroker, int bytes) {
    if (fromBroker) {
      if (pendingFingerprint != 0) {
        leaveLoopGuard();
      }
      metrics.relayedToClient(bytes);
    } else {
      metrics.relayedToBroker(bytes);
    }
  }

  /**
   * The channel {@code reader} writes into drained: {@code reader}, paused by back-pressure, may read
   * again, except a broker whose stream was cut for a DISCONNECT (nothing after the cut may reach
   * the client).
   */
  @Override
  public void resume(Channel reader) {
    if (reader == broker && toClient != null && toClient.finished()) {
      return;
    }
    reader.config().setAutoRead(true);
  }

  void reject(String reason, String detail, byte[] connack) {
    rejectWith(reason, detail, connack == null ? null : Unpooled.wrappedBuffer(connack));
  }

  /**
   * A stage of the client pipeline (the WebSocket upgrade, its frames) refuses the client's input:
   * before the relay a rejection counted under {@code reason}, during it the relay's end. Either way
   * {@code answer} (an HTTP response, a close frame; null: none) is written to the client through
   * its pipeline's encoders, then the client is closed.
   */
  void refuse(String reason, String detail, Object answer) {
    if (state == State.RELAYING) {
      if (log.isDebugEnabled()) {
        log.debug("closing relayed client {}: {} ({})", clientAddress, reason, detail);
      }
      answerAndClose(answer); // the broker side follows
    } else if (state == State.CLOSED) {
      ReferenceCountUtil.release(answer);
    } else {
      rejectWith(reason, detail, answer);
    }
  }

  private void rejectWith(String reason, String detail, Object answer) {
    state = State.CLOSED;
    leaveAdmission();
    endDial();
    cancelConnectTimer();
    leaveLoopGuard();
    metrics.connectRejected(reason);
    if (log.isDebugEnabled()) {
      log.debug("closing client {}: {} ({})", clientAddress, reason, detail);
    }
    answerAndClose(answer);
  }

  private void answerAndClose(Object answer) {
    if (answer != null && client.isActive()) {
      client.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    } else {
      ReferenceCountUtil.release(answer);
      client.close();
    }
  }

  /** An exception on either channel: a missing PROXY header is a rejection, anything else a debug line and a close. */
  @Override
  public void failed(Channel channel, Throwable cause) {
    // Anything thrown while the header is awaited comes from decoding it: Netty's decoder answers most
    // malformed headers with HAProxyProtocolException (and closes the channel), but a v2 TLV whose
    // length runs past the header ends in another exception, and must count as a bad header too.
    if (awaitingProxyHeader || cause instanceof HAProxyProtocolException
        || cause.getCause() instanceof HAProxyProtocolException) {
      // The decoder may have closed the channel already (so the state may read CLOSED): count it once, here.
      if (awaitingProxyHeader) {
        awaitingProxyHeader = false;
        reject(Metrics.REASON_PROXY_HEADER, cause.getMessage(), null);
      }
      return;
    }
    log.debug("{} of client {}: {}", channel == client ? "connection" : "broker connection", clientAddress, cause.toString());
    channel.close();
  }

  private void onClientClosed() {
    metrics.clientClosed();
    if (countedSource != null) {
      runtime.sources().release(countedSource);
      countedSource = null;
    }
    cancelConnectTimer();
    leaveAdmission();
    endDial();
    State was = state;
    state = State.CLOSED;
    if (was == State.RELAYING) {
      closeOnFlush(broker);
    } else {
      leaveLoopGuard();
    }
  }

  private void onBrokerClosed() {
    brokerMeters.disconnected();
    state = State.CLOSED;
    leaveLoopGuard();
    closeOnFlush(client);
    relayed.remove(this);
    if (keepsStickyEntry()) { // the broker side closes last in every relay: refresh once, here
      runtime.sticky().disconnected(routed.key().value(), routed.broker().id());
    }
  }

  /** Closes a channel once what was written to it has been flushed. */
  static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  /** A client that leaves while waiting for admission frees its place; no broker connection is opened for it. */
  private void leaveAdmission() {
    if (admission != null) {
      admission.cancel();
      admission = null;
    }
  }

  private void leaveLoopGuard() {
    if (pendingFingerprint != 0) {
      runtime.loops().leave(pendingFingerprint);
      pendingFingerprint = 0;
    }
  }

  /** The broker this client is relayed to; while relaying. */
  String brokerId() {
    return routed.broker().id();
  }

  /** The key this client was routed by; while relaying. */
  RoutingKey routingKey() {
    return routed.key();
  }

  /** How this client was routed; while relaying. */
  RouteDecision routed() {
    return routed;
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
    if (log.isDebugEnabled()) {
      log.debug("client {} key {}: moving away from broker {} ({})", clientAddress, routed.key().value(), brokerId(), kind);
    }
    if (toClient == null) {
      client.close(); // closes the broker side too
      return true;
    }
    // Read before the call: the write of the DISCONNECT may complete, and report, within it.
    boolean atOnce = toClient.atBoundary();
    toClient.cutAndSend(broker.pipeline().context(toClient), USE_ANOTHER_SERVER, DISCONNECT_GRACE_MILLIS, sent -> {
      metrics.moveDisconnect(!sent ? Metrics.MOVE_GIVEN_UP : atOnce ? Metrics.MOVE_SENT_AT_ONCE : Metrics.MOVE_SENT_AFTER_PACKET);
      client.close();
      broker.close();
    });
    return true;
  }

  /** Refreshes the sticky entry of a client that still relays, in the background (see {@link #keepsStickyEntry}). */
  void refreshSticky() {
    if (keepsStickyEntry()) {
      runtime.sticky().stillConnected(routed.key().value(), routed.broker().id());
    }
  }

  /**
   * Whether the relayed client has a sticky entry to write or refresh: while the tier is in table mode, and not for a
   * client placed by load, which keeps no session for an entry to lead back to.
   */
  private boolean keepsStickyEntry() {
    return runtime.router().mode() == RoutingMode.TABLE && !routed.byLoad();
  }

  private void cancelConnectTimer() {
    if (connectTimer != null) {
      connectTimer.cancel(false);
      connectTimer = null;
    }
  }
}
