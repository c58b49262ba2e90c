package io.mqttlb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every metric of a node: the names live here and nowhere else, all prefixed {@code mqttlb_}.
 *
 * <p>Tags have bounded cardinality: a broker id or a rejection reason, never a client id. Meters are
 * created once per tag value and cached, so the data path only increments. Thread-safe.
 */
public final class Metrics {
  public static final String CLIENTS_ACTIVE = "mqttlb_clients_active";
  public static final String CONNECTIONS_ACTIVE = "mqttlb_connections_active";
  public static final String CONNECTIONS_TOTAL = "mqttlb_connections";
  public static final String CONNECT_REJECTED = "mqttlb_connect_rejected";
  public static final String REDISPATCHES = "mqttlb_redispatches";
  public static final String BROKER_CONNECT_FAILURES = "mqttlb_broker_connect_failures";
  public static final String BROKER_CONNECT_SECONDS = "mqttlb_broker_connect_seconds";
  /**
   * Failed TLS handshakes with a broker that wants TLS, by who connected: {@code relay} (a client's
   * connection, also counted in {@link #BROKER_CONNECT_FAILURES}) or {@code probe} (a health check).
   */
  public static final String BROKER_TLS_FAILURES = "mqttlb_broker_tls_failures";
  public static final String TLS_BY_RELAY = "relay";
  public static final String TLS_BY_PROBE = "probe";
  public static final String RELAYED_BYTES = "mqttlb_relayed_bytes";
  public static final String ROUTED = "mqttlb_routed";
  public static final String ROUTING_EPOCH = "mqttlb_routing_epoch";
  /** 1 for the routing mode this node's snapshot uses, 0 for the others: nodes of one tier must agree. */
  public static final String ROUTING_MODE = "mqttlb_routing_mode";
  public static final String TABLE_ENTRIES = "mqttlb_table_entries";
  public static final String STICKY_WRITES_DROPPED = "mqttlb_sticky_writes_dropped";
  public static final String STICKY_EVICTIONS = "mqttlb_sticky_evictions";
  public static final String CLUSTER_MEMBERS = "mqttlb_cluster_members";
  public static final String BROKER_UP = "mqttlb_broker_up";
  /**
   * This node's own view of a broker from its health checks (its vote towards {@link #BROKER_UP}):
   * nodes whose views differ for long have different paths to the broker, which the tier's majority
   * verdict hides.
   */
  public static final String BROKER_SEEN_UP = "mqttlb_broker_seen_up";
  public static final String HEALTH_CHECKS = "mqttlb_health_checks";
  public static final String BROKER_TRANSITIONS = "mqttlb_broker_transitions";
  public static final String MOVED = "mqttlb_moved";
  /** Memory the data plane's buffer allocator holds, by area (direct, heap): what relayed bytes cost in flight. */
  public static final String BUFFER_MEMORY = "mqttlb_buffer_memory_bytes";
  public static final String MOVE_DISCONNECTS = "mqttlb_move_disconnects";
  /**
   * Clients this node's running drain or rebalance job has yet to disconnect, 0 when none runs: a
   * value above 0 that stops falling is a stuck job.
   */
  public static final String MOVE_REMAINING = "mqttlb_move_remaining_clients";
  /**
   * How late a task scheduled every second on each event loop ran, the worst over the loops and the
   * recent window of {@link EventLoopLag}: a loop blocked by slow work delays every client on it.
   */
  public static final String EVENT_LOOP_LAG = "mqttlb_event_loop_lag_seconds";
  /** Heap in use at the end of the most recent garbage collection: see {@link HeapAfterGc}. */
  public static final String HEAP_AFTER_GC = "mqttlb_heap_after_gc_bytes";
  /** Clients waiting for a capped broker's admission on this node, by broker. */
  public static final String ADMISSION_QUEUED = "mqttlb_admission_queued";
  /** This node's pace towards a capped broker, new connections per second: its share of the broker's tier-wide cap. */
  public static final String ADMISSION_RATE = "mqttlb_admission_rate";
  /** Clients a capped broker's admission let through (at once or after waiting), by broker. */
  public static final String ADMISSION_ADMITTED = "mqttlb_admission_admitted";
  /** Clients a capped broker's admission answered "server busy", by broker and reason. */
  public static final String ADMISSION_REFUSED = "mqttlb_admission_refused";
  /** How long admitted clients waited for a capped broker's admission (0 for those let through at once), by broker. */
  public static final String ADMISSION_WAIT = "mqttlb_admission_wait_seconds";
  /** {@link #ADMISSION_REFUSED} reasons: the node's queue for the broker was full, or the client waited limits.admissionWait. */
  public static final String ADMISSION_QUEUE_FULL = "queue_full";
  public static final String ADMISSION_WAIT_EXPIRED = "wait_expired";
  /** {@link #MOVE_DISCONNECTS} results: DISCONNECT written at once (between packets), after the packet in flight, or not at all. */
  public static final String MOVE_SENT_AT_ONCE = "sent_at_once";
  public static final String MOVE_SENT_AFTER_PACKET = "sent_after_packet";
  public static final String MOVE_GIVEN_UP = "given_up";

  /** Rejection reasons decided by the proxy; the CONNECT parser's reasons use their own labels. */
  public static final String REASON_CONNECT_TIMEOUT = "connect_timeout";
  public static final String REASON_MAX_CONNECTIONS = "max_connections";
  public static final String REASON_NO_BROKER = "no_broker";
  /** A capped broker's admission answered "server busy": see {@link #ADMISSION_REFUSED}. */
  public static final String REASON_ADMISSION_QUEUE_FULL = "admission_queue_full";
  public static final String REASON_ADMISSION_WAIT_EXPIRED = "admission_wait_expired";
  /** A listener that accepts the PROXY protocol got no valid header first. */
  public static final String REASON_PROXY_HEADER = "proxy_header";
  /** The client's source address has as many clients open, or connected as often, as limits.perSourceAddress allows. */
  public static final String REASON_SOURCE_LIMIT = "source_limit";
  /** The CONNECT came back to this node through a relay loop; see {@link #RELAY_LOOPS}. */
  public static final String REASON_RELAY_LOOP = "relay_loop";
  /*
   * A WebSocket listener refused the client before its CONNECT was relayed. The HTTP upgrade: bytes
   * that do not start an HTTP request (closed without an answer); a request line or headers over
   * the bound (414, 431); a request that is not a WebSocket upgrade (400, 405, 426); another path
   * (404); an Origin not allowed (403). Then the frames: one over maxFrameBytes (close 1009); a text
   * frame or a frame that breaks RFC 6455 (close 1003, 1002).
   */
  public static final String REASON_WEBSOCKET_NOT_HTTP = "websocket_not_http";
  public static final String REASON_WEBSOCKET_REQUEST_TOO_LARGE = "websocket_request_too_large";
  public static final String REASON_WEBSOCKET_BAD_REQUEST = "websocket_bad_request";
  public static final String REASON_WEBSOCKET_PATH = "websocket_path";
  public static final String REASON_WEBSOCKET_ORIGIN = "websocket_origin";
  public static final String REASON_WEBSOCKET_FRAME_TOO_LARGE = "websocket_frame_too_large";
  public static final String REASON_WEBSOCKET_BAD_FRAME = "websocket_bad_frame";
  /**
   * Relay loops cut, by kind: {@code own_listener} (a broker address that is this node's own
   * listener, seen at dial time) or {@code repeated_connect} (the same CONNECT bytes relayed again
   * and again while none of them has been answered: a loop through other nodes or names).
   */
  public static final String RELAY_LOOPS = "mqttlb_relay_loops";
  public static final String LOOP_OWN_LISTENER = "own_listener";
  public static final String LOOP_REPEATED_CONNECT = "repeated_connect";
  /** A TLS listener's client failed its handshake; {@link #TLS_HANDSHAKE_FAILURES} says why. */
  public static final String REASON_TLS_HANDSHAKE = "tls_handshake";
  /** TLS handshakes completed, by listener and protocol version. */
  public static final String TLS_HANDSHAKES = "mqttlb_tls_handshakes";
  /** TLS handshakes failed, by listener and a reason from a small fixed set. */
  public static final String TLS_HANDSHAKE_FAILURES = "mqttlb_tls_handshake_failures";
  /** Loads of a TLS listener's files after start (a change seen, or the reload call), by result ok or failed. */
  public static final String TLS_RELOADS = "mqttlb_tls_reload";
  /** When each certificate a TLS listener presents expires, in seconds since the epoch (alert on it). */
  public static final String TLS_CERTIFICATE_EXPIRY = "mqttlb_tls_certificate_expiry_timestamp_seconds";

  /**
   * Admin API calls answered 500 because of a fault on this node, not of the caller (a client's
   * mistake is a 4xx and not counted): each is also logged at WARN with its stack trace.
   */
  public static final String ADMIN_INTERNAL_ERRORS = "mqttlb_admin_internal_errors";

  private final PrometheusMeterRegistry registry;
  private final AtomicInteger clientsActive = new AtomicInteger();
  private final Map<String, BrokerMeters> brokers = new ConcurrentHashMap<>();
  private final Map<String, TlsMeters> tlsListeners = new ConcurrentHashMap<>();
  private final Map<String, AdmissionMeters> admissions = new ConcurrentHashMap<>();
  private final LabelledCounters rejections;
  private final LabelledCounters routed;
  private final Map<String, Counter> healthChecks = new ConcurrentHashMap<>();
  private final Map<String, Counter> transitions = new ConcurrentHashMap<>();
  /** The broker-up gauges and, strongly held here because a Gauge holds its object weakly, their sources. */
  private final Map<String, Gauge> brokerUpGauges = new ConcurrentHashMap<>();
  private final Map<String, BooleanSupplier> brokerUpSources = new ConcurrentHashMap<>();
  private final Map<String, Gauge> brokerSeenUpGauges = new ConcurrentHashMap<>();
  private final Map<String, BooleanSupplier> brokerSeenUpSources = new ConcurrentHashMap<>();
  private final LabelledCounters moved;
  private final LabelledCounters moveDisconnects;
  private final LabelledCounters relayLoops;
  private final Counter bytesToBroker;
  private final Counter bytesToClient;
  private final Counter adminInternalErrors;
  /**
   * A FunctionCounter holds its object weakly, and a method reference passed in is referenced by
   * nothing else: without this list the first GC would freeze those counters at their last value.
   */
  private final List<DoubleSupplier> counterSources = new CopyOnWriteArrayList<>();
  /** The same for gauges bound to a supplier. */
  private final List<Object> gaugeSources = new CopyOnWriteArrayList<>();
  private volatile EventLoopLag eventLoopLag;

  public Metrics() {
    this(HeapAfterGc.instance());
  }

  /** @param heapAfterGc what {@link #HEAP_AFTER_GC} reports: the JVM's, but for a test that feeds collections itself */
  Metrics(HeapAfterGc heapAfterGc) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder(CLIENTS_ACTIVE, clientsActive, AtomicInteger::get)
        .description("Client sockets open on this node, routed or still sending CONNECT")
        .register(registry);
    rejections = new LabelledCounters(CONNECT_REJECTED, "reason", "Client connections closed before routing, by reason");
    routed = new LabelledCounters(ROUTED, "source", "Client connections routed, by what decided the broker");
    moved = new LabelledCounters(MOVED, "kind", "Relayed clients disconnected by drain and rebalance jobs, by kind");
    moveDisconnects = new LabelledCounters(MOVE_DISCONNECTS, "result",
        "MQTT 5 clients moved away, by whether they got the server DISCONNECT");
    relayLoops = new LabelledCounters(RELAY_LOOPS, "kind", "Relay loops cut (a broker address leading back to a node)");
    bytesToBroker = Counter.builder(RELAYED_BYTES).tag("direction", "to_broker")
        .description("Bytes relayed between clients and brokers").register(registry);
    bytesToClient = Counter.builder(RELAYED_BYTES).tag("direction", "to_client")
        .description("Bytes relayed between clients and brokers").register(registry);
    adminInternalErrors = Counter.builder(ADMIN_INTERNAL_ERRORS)
        .description("Admin API calls answered 500 because of a fault on this node").register(registry);
    // The process as a whole: heap and direct buffers, threads, file descriptors (each client costs two).
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    gaugeSources.add(heapAfterGc);
    Gauge.builder(HEAP_AFTER_GC, heapAfterGc, HeapAfterGc::bytes)
        .description("Heap in use at the end of the most recent garbage collection").register(registry);
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
      ByteBufAllocatorMetric allocator = provider.metric();
      Gauge.builder(BUFFER_MEMORY, allocator, ByteBufAllocatorMetric::usedDirectMemory).tag("area", "direct")
          .description("Memory held by the data plane's buffer allocator").register(registry);
      Gauge.builder(BUFFER_MEMORY, allocator, ByteBufAllocatorMetric::usedHeapMemory).tag("area", "heap")
          .description("Memory held by the data plane's buffer allocator").register(registry);
    }
  }

  /** Reports {@code lag}'s worst recent lateness as {@link #EVENT_LOOP_LAG}; one per node. */
  public void bindEventLoopLag(EventLoopLag lag) {
    this.eventLoopLag = lag; // the gauge holds its object weakly
    Gauge.builder(EVENT_LOOP_LAG, lag, EventLoopLag::worstSeconds)
        .description("How late a once-a-second task ran on the most delayed event loop, recently").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Client sockets accepted and not yet closed; also what {@code limits.maxConnections} counts. */
  public int clientsActive() {
    return clientsActive.get();
  }

  public int clientOpened() {
    return clientsActive.incrementAndGet();
  }

  public void clientClosed() {
    clientsActive.decrementAndGet();
  }

  /** An admin API call failed on this node's side and was answered 500. */
  public void adminInternalError() {
    adminInternalErrors.increment();
  }

  public double adminInternalErrorCount() {
    return adminInternalErrors.count();
  }

  /** A client connection was rejected before it reached a broker; {@code reason} is a fixed label. */
  public void connectRejected(String reason) {
    rejections.increment(reason);
  }

  public double rejectedCount(String reason) {
    return rejections.count(reason);
  }

  /** A relay loop was cut; {@code kind} is {@link #LOOP_OWN_LISTENER} or {@link #LOOP_REPEATED_CONNECT}. */
  public void relayLoop(String kind) {
    relayLoops.increment(kind);
  }

  public double relayLoopCount(String kind) {
    return relayLoops.count(kind);
  }

  /** A client was sent to a broker; {@code source} is ring, least-loaded, override or sticky. */
  public void routed(String source) {
    routed.increment(source);
  }

  public double routedCount(String source) {
    return routed.count(source);
  }

  /** A relayed client was disconnected by a move job; {@code kind} is drain or rebalance. */
  public void moved(String kind) {
    moved.increment(kind);
  }

  public double movedCount(String kind) {
    return moved.count(kind);
  }

  /**
   * How a moved MQTT 5 client's relay ended: a DISCONNECT 0x9C written at once (the stream was between
   * packets) or after the packet in flight ended, or {@code given_up} (no boundary or no write in
   * time: closed without it).
   */
  public void moveDisconnect(String result) {
    moveDisconnects.increment(result);
  }

  public double moveDisconnectCount(String result) {
    return moveDisconnects.count(result);
  }

  /**
   * Registers the gauges that read the shared state: the routing epoch, the table's entries by
   * kind, sticky writes dropped and entries evicted, and the cluster's member count.
   */
  public void bindTierState(ToDoubleFunction<String> tableEntries, DoubleSupplier epoch, DoubleSupplier members,
                            DoubleSupplier stickyWritesDropped, DoubleSupplier stickyEvictions) {
    Gauge.builder(ROUTING_EPOCH, epoch::getAsDouble)
        .description("Epoch of the routing snapshot in use; grows with every broker or mode change")
        .register(registry);
    Gauge.builder(CLUSTER_MEMBERS, members::getAsDouble)
        .description("Nodes in the tier, as this node sees it").register(registry);
    for (String kind : new String[] {"override", "sticky"}) {
      Gauge.builder(TABLE_ENTRIES, () -> tableEntries.applyAsDouble(kind)).tag("kind", kind)
          .description("Entries of the shared routing table").register(registry);
    }
    counterSources.add(stickyWritesDropped);
    counterSources.add(stickyEvictions);
    FunctionCounter.builder(STICKY_WRITES_DROPPED, stickyWritesDropped, DoubleSupplier::getAsDouble)
        .description("Sticky entries not written because the background writer was too far behind")
        .register(registry);
    FunctionCounter.builder(STICKY_EVICTIONS, stickyEvictions, DoubleSupplier::getAsDouble)
        .description("Sticky entries removed to keep the table within routing.table.maxEntries")
        .register(registry);
  }

  /**
   * Registers {@code mqttlb_broker_up{broker}}, 1 while {@code tierUp} says the tier sees the broker
   * up, and {@code mqttlb_broker_seen_up{broker}}, 1 while {@code seenUp} says this node's own checks
   * do; else 0. Registering a broker again replaces its sources.
   */
  public void bindBrokerUp(String brokerId, BooleanSupplier tierUp, BooleanSupplier seenUp) {
    unbindBrokerUp(brokerId);
    brokerUpSources.put(brokerId, tierUp);
    brokerUpGauges.put(brokerId, Gauge.builder(BROKER_UP, tierUp, source -> source.getAsBoolean() ? 1 : 0)
        .tag("broker", brokerId)
        .description("1 while the tier sees the broker up (a strict majority of the live nodes does not see it down)")
        .register(registry));
    brokerSeenUpSources.put(brokerId, seenUp);
    brokerSeenUpGauges.put(brokerId, Gauge.builder(BROKER_SEEN_UP, seenUp, source -> source.getAsBoolean() ? 1 : 0)
        .tag("broker", brokerId)
        .description("1 while this node's own health checks see the broker up (its vote in the tier's verdict)")
        .register(registry));
  }

  /** Removes the broker-up gauges of a broker that left the broker set. */
  public void unbindBrokerUp(String brokerId) {
    for (Map<String, Gauge> gauges : List.of(brokerUpGauges, brokerSeenUpGauges)) {
      Gauge gauge = gauges.remove(brokerId);
      if (gauge != null) {
        registry.remove(gauge);
      }
    }
    brokerUpSources.remove(brokerId);
    brokerSeenUpSources.remove(brokerId);
  }

  /**
   * Registers {@code mqttlb_routing_mode{mode}} for each of {@code modes}: 1 for the one
   * {@code current} names, 0 for the others (one series per mode, so a change shows as a step).
   */
  public void bindRoutingMode(Supplier<String> current, List<String> modes) {
    gaugeSources.add(current);
    for (String mode : modes) {
      Gauge.builder(ROUTING_MODE, current, source -> mode.equals(source.get()) ? 1 : 0).tag("mode", mode)
          .description("1 for the routing mode this node uses, else 0").register(registry);
    }
  }

  /** Registers {@link #MOVE_REMAINING}, read from {@code remaining} at each scrape; one per node. */
  public void bindMoveRemaining(IntSupplier remaining) {
    gaugeSources.add(remaining);
    Gauge.builder(MOVE_REMAINING, remaining, IntSupplier::getAsInt)
        .description("Clients this node's running drain or rebalance job has yet to disconnect; 0 when none runs")
        .register(registry);
  }

  /** One health check of a broker by this node ended; {@code ok} when the broker answered in time. */
  public void healthCheck(String brokerId, boolean ok) {
    healthChecks.computeIfAbsent(brokerId + (ok ? "|ok" : "|fail"), k -> Counter.builder(HEALTH_CHECKS)
        .tag("broker", brokerId).tag("result", ok ? "ok" : "fail")
        .description("Health checks of the broker by this node, by result").register(registry))
        .increment();
  }

  public double healthCheckCount(String brokerId, boolean ok) {
    Counter counter = healthChecks.get(brokerId + (ok ? "|ok" : "|fail"));
    return counter == null ? 0 : counter.count();
  }

  /** This node's tier verdict on a broker changed to up or down. */
  public void brokerTransition(String brokerId, boolean up) {
    transitions.computeIfAbsent(brokerId + (up ? "|up" : "|down"), k -> Counter.builder(BROKER_TRANSITIONS)
        .tag("broker", brokerId).tag("to", up ? "up" : "down")
        .description("Changes of the tier's verdict on the broker, as this node saw them").register(registry))
        .increment();
  }

  public double transitionCount(String brokerId, boolean up) {
    Counter counter = transitions.get(brokerId + (up ? "|up" : "|down"));
    return counter == null ? 0 : counter.count();
  }

  public BrokerMeters broker(String brokerId) {
    return brokers.computeIfAbsent(brokerId, id -> new BrokerMeters(registry, id));
  }

  /** The admission meters of one capped broker. */
  public AdmissionMeters admission(String brokerId) {
    return admissions.computeIfAbsent(brokerId, id -> new AdmissionMeters(registry, id));
  }

  /** The TLS meters of one listener. */
  public TlsMeters tls(String listener) {
    return tlsListeners.computeIfAbsent(listener, name -> new TlsMeters(registry, name));
  }

  public void relayedToBroker(int bytes) {
    bytesToBroker.increment(bytes);
  }

  public void relayedToClient(int bytes) {
    bytesToClient.increment(bytes);
  }

  /** Counters of one metric that differ by one tag, each registered when its label is first used. */
  private final class LabelledCounters {
    private final String name;
    private final String tag;
    private final String description;
    private final Map<String, Counter> byLabel = new ConcurrentHashMap<>();

    LabelledCounters(String name, String tag, String description) {
      this.name = name;
      this.tag = tag;
      this.description = description;
    }

    void increment(String label) {
      byLabel.computeIfAbsent(label, l -> Counter.builder(name).tag(tag, l).description(description).register(registry))
          .increment();
    }

    double count(String label) {
      Counter counter = byLabel.get(label);
      return counter == null ? 0 : counter.count();
    }
  }

  /** Meters of one TLS listener, tagged with its name; each label's counter is registered when first used. */
  public static final class TlsMeters {
    private final MeterRegistry registry;
    private final String listener;
    private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Map<String, Counter> reloads = new ConcurrentHashMap<>();
    /** The expiry gauges' sources, held strongly here because a Gauge holds its object weakly. */
    private final Map<String, Supplier<Instant>> expirySources = new ConcurrentHashMap<>();

    TlsMeters(MeterRegistry registry, String listener) {
      this.registry = registry;
      this.listener = listener;
    }

    /** A handshake completed; {@code protocol} is the negotiated version (TLSv1.2, TLSv1.3). */
    public void handshake(String protocol) {
      counter(handshakes, TLS_HANDSHAKES, "protocol", protocol, "TLS handshakes completed, by protocol version").increment();
    }

    /** A handshake failed; {@code reason} is one of a fixed set of labels. */
    public void handshakeFailed(String reason) {
      counter(failures, TLS_HANDSHAKE_FAILURES, "reason", reason, "TLS handshakes failed, by reason").increment();
    }

    /** The listener's files were loaded again, or a load failed and the previous ones stayed. */
    public void reloaded(boolean ok) {
      counter(reloads, TLS_RELOADS, "result", ok ? "ok" : "failed",
          "Loads of the listener's certificate files after start, by result").increment();
    }

    /**
     * Registers the expiry gauge of one certificate ({@code default}, or an SNI server name), read from
     * {@code notAfter} at each scrape so that it follows reloads.
     */
    public void bindExpiry(String certificate, Supplier<Instant> notAfter) {
      if (expirySources.putIfAbsent(certificate, notAfter) == null) {
        Gauge.builder(TLS_CERTIFICATE_EXPIRY, notAfter, source -> source.get().getEpochSecond())
            .tag("listener", listener).tag("certificate", certificate)
            .description("When the certificate the listener presents expires, in seconds since the epoch")
            .register(registry);
      }
    }

    public double handshakeCount(String protocol) {
      return count(handshakes, protocol);
    }

    public double failureCount(String reason) {
      return count(failures, reason);
    }

    public double reloadCount(boolean ok) {
      return count(reloads, ok ? "ok" : "failed");
    }

    private Counter counter(Map<String, Counter> counters, String name, String tag, String label, String description) {
      return counters.computeIfAbsent(label, l -> Counter.builder(name).tag("listener", listener).tag(tag, l)
          .description(description).register(registry));
    }

    private static double count(Map<String, Counter> counters, String label) {
      Counter counter = counters.get(label);
      return counter == null ? 0 : counter.count();
    }
  }

  /** Admission meters of one capped broker, tagged with its id. */
  public static final class AdmissionMeters {
    private final MeterRegistry registry;
    private final String broker;
    private final Counter admitted;
    private final Counter queueFull;
    private final Counter waitExpired;
    private final Timer waited;
    /** The gauges' sources, held strongly here because a Gauge holds its object weakly. */
    private volatile IntSupplier waiting;
    private volatile DoubleSupplier rate;

    AdmissionMeters(MeterRegistry registry, String broker) {
      this.registry = registry;
      this.broker = broker;
      admitted = Counter.builder(ADMISSION_ADMITTED).tag("broker", broker)
          .description("Clients let through to a broker with a connect-rate cap").register(registry);
      String refusedDescription = "Clients answered server busy by a broker's connect-rate cap, by reason";
      queueFull = Counter.builder(ADMISSION_REFUSED).tag("broker", broker).tag("reason", ADMISSION_QUEUE_FULL)
          .description(refusedDescription).register(registry);
      waitExpired = Counter.builder(ADMISSION_REFUSED).tag("broker", broker).tag("reason", ADMISSION_WAIT_EXPIRED)
          .description(refusedDescription).register(registry);
      waited = Timer.builder(ADMISSION_WAIT).tag("broker", broker)
          .description("How long clients let through waited for a broker's connect-rate cap")
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(60))
          .register(registry);
    }

    /**
     * Registers the gauges of the clients waiting for the broker on this node and of this node's pace
     * towards it (0 once the broker has no cap any more); once.
     */
    public void bind(IntSupplier waitingSource, DoubleSupplier rateSource) {
      if (waiting == null) {
        waiting = waitingSource;
        rate = rateSource;
        Gauge.builder(ADMISSION_QUEUED, waitingSource, IntSupplier::getAsInt).tag("broker", broker)
            .description("Clients waiting for a broker's connect-rate cap on this node").register(registry);
        Gauge.builder(ADMISSION_RATE, rateSource, DoubleSupplier::getAsDouble).tag("broker", broker)
            .description("New connections per second this node may open to the broker: its share of the cap")
            .register(registry);
      }
    }

    /** This node's pace towards the broker now; 0 before the gauges are bound. */
    public double rate() {
      DoubleSupplier source = rate;
      return source == null ? 0 : source.getAsDouble();
    }

    public void admitted(long waitedNanos) {
      admitted.increment();
      waited.record(waitedNanos, TimeUnit.NANOSECONDS);
    }

    /** {@code reason}: {@link #ADMISSION_QUEUE_FULL} or {@link #ADMISSION_WAIT_EXPIRED}. */
    public void refused(String reason) {
      (ADMISSION_QUEUE_FULL.equals(reason) ? queueFull : waitExpired).increment();
    }

    public double admittedCount() {
      return admitted.count();
    }

    public double refusedCount(String reason) {
      return (ADMISSION_QUEUE_FULL.equals(reason) ? queueFull : waitExpired).count();
    }

    /** Clients waiting now; 0 before the gauge is bound. */
    public int waiting() {
      IntSupplier source = waiting;
      return source == null ? 0 : source.getAsInt();
    }
  }

  /** Meters of one broker, tagged with its id. */
  public static final class BrokerMeters {
    private final AtomicInteger active = new AtomicInteger();
    /** Clients routed to the broker and not relaying yet: waiting for admission or being connected (not a meter). */
    private final AtomicInteger dialing = new AtomicInteger();
    private final Counter total;
    private final Counter redispatches;
    private final Counter connectFailures;
    private final Counter tlsFailuresByRelay;
    private final Counter tlsFailuresByProbe;
    private final Timer connectTime;

    BrokerMeters(MeterRegistry registry, String brokerId) {
      Gauge.builder(CONNECTIONS_ACTIVE, active, AtomicInteger::get).tag("broker", brokerId)
          .description("Relayed client connections open to the broker").register(registry);
      total = Counter.builder(CONNECTIONS_TOTAL).tag("broker", brokerId)
          .description("Client connections relayed to the broker").register(registry);
      redispatches = Counter.builder(REDISPATCHES).tag("broker", brokerId)
          .description("Connections sent to the next broker on the ring because this one failed")
          .register(registry);
      connectFailures = Counter.builder(BROKER_CONNECT_FAILURES).tag("broker", brokerId)
          .description("Connects to the broker that were refused or timed out, or whose TLS handshake failed")
          .register(registry);
      String tlsDescription = "TLS handshakes with the broker that failed: its certificate is not trusted or does not"
          + " name it, or it does not speak TLS there";
      tlsFailuresByRelay = Counter.builder(BROKER_TLS_FAILURES).tag("broker", brokerId).tag("by", TLS_BY_RELAY)
          .description(tlsDescription).register(registry);
      tlsFailuresByProbe = Counter.builder(BROKER_TLS_FAILURES).tag("broker", brokerId).tag("by", TLS_BY_PROBE)
          .description(tlsDescription).register(registry);
      connectTime = Timer.builder(BROKER_CONNECT_SECONDS).tag("broker", brokerId)
          .description("Time to open the connection to the broker (TCP, and TLS for a broker that wants it)")
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(10))
          .register(registry);
    }

    public void connected(long connectNanos) {
      connectTime.record(connectNanos, TimeUnit.NANOSECONDS);
      total.increment();
      active.incrementAndGet();
    }

    public void disconnected() {
      active.decrementAndGet();
    }

    public void connectFailed() {
      connectFailures.increment();
    }

    public void redispatched() {
      redispatches.increment();
    }

    /** A TLS handshake with the broker failed; {@code by} is {@link #TLS_BY_RELAY} or {@link #TLS_BY_PROBE}. */
    public void tlsFailed(String by) {
      (TLS_BY_PROBE.equals(by) ? tlsFailuresByProbe : tlsFailuresByRelay).increment();
    }

    public double tlsFailureCount(String by) {
      return (TLS_BY_PROBE.equals(by) ? tlsFailuresByProbe : tlsFailuresByRelay).count();
    }

    public int active() {
      return active.get();
    }

    /** A client was routed to the broker: it waits for admission, then its connection is opened; ended by {@link #dialEnded}. */
    public void dialStarted() {
      dialing.incrementAndGet();
    }

    /** The client {@link #dialStarted} counted is relaying (and counted {@link #connected}), failed, or gone. */
    public void dialEnded() {
      dialing.decrementAndGet();
    }

    /**
     * The clients this node has placed on the broker: relaying, or routed there and waiting for admission or being
     * connected. What least-loaded routing counts, so that a burst of clients routed before their connections are
     * up does not all go to the one broker that was least loaded when the burst began.
     */
    public int placed() {
      return active.get() + dialing.get();
    }

    public double total() {
      return total.count();
    }

    public double redispatchCount() {
      return redispatches.count();
    }
  }
}
