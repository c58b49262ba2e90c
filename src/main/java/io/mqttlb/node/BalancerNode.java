package io.mqttlb.node;

import io.mqttlb.admin.AdminVerticle;
import io.mqttlb.admin.TierEvents;
import io.mqttlb.cluster.HazelcastSetup;
import io.mqttlb.cluster.HazelcastStateStore;
import io.mqttlb.cluster.LocalStateStore;
import io.mqttlb.cluster.MembershipLog;
import io.mqttlb.cluster.SharedMap;
import io.mqttlb.cluster.SnapshotPublisher;
import io.mqttlb.cluster.StateStore;
import io.mqttlb.cluster.TierConnections;
import io.mqttlb.cluster.TierState;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ClientAuth;
import io.mqttlb.config.CleanSessionRouting;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.config.SelfAddress;
import io.mqttlb.health.HealthChecker;
import io.mqttlb.health.TierHealth;
import io.mqttlb.metrics.EventLoopLag;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.moves.MovesVerticle;
import io.mqttlb.moves.WhatIfVerticle;
import io.mqttlb.proxy.BrokerSuspicion;
import io.mqttlb.proxy.ListenerVerticle;
import io.mqttlb.proxy.MovableClients;
import io.mqttlb.proxy.NettyLoops;
import io.mqttlb.proxy.ProxyRuntime;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.tls.BrokerTlsContexts;
import io.mqttlb.tls.ListenerTls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running balancer node: its own Vert.x instance (native epoll when available; clustered through
 * Hazelcast when {@code cluster.hazelcastConfig} is set), the tier's shared state, one listener
 * verticle per event loop for each configured listener, and the admin API. The {@code node} and
 * {@code demo} commands and the tests all start nodes through this class.
 */
public final class BalancerNode {
  private static final Logger log = LoggerFactory.getLogger(BalancerNode.class);
  /**
   * Event loops of a node (data plane and control plane): {@code -Dmqttlb.eventLoops=N}, by default
   * Vert.x's two per core.
   */
  static final int EVENT_LOOPS = Integer.getInteger("mqttlb.eventLoops", VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);

  private final NodeConfig config;
  private final Vertx vertx;
  private final Metrics metrics = new Metrics();
  private final TierState state;
  private final SnapshotPublisher snapshots;
  private final BrokerSuspicion suspicion;
  private final TierHealth health;
  private final TierConnections connections;
  private final HealthChecker healthChecker;
  private final BrokerTlsContexts brokerTls;
  private final Router router;
  /** The data plane's shared parts: its listeners' clients, its admission control. */
  private final ProxyRuntime proxy;
  private final EventLoopLag eventLoopLag;
  private final TierEvents events;
  private MovesVerticle moves;
  private WhatIfVerticle whatIf;
  private final Map<String, Integer> listenerPorts = new LinkedHashMap<>();
  private final List<String> listenerDeployments = new ArrayList<>();
  private final Map<String, ListenerTls> listenerTls = new LinkedHashMap<>();
  private int adminPort;

  private BalancerNode(NodeConfig config, Vertx vertx, Shared shared) {
    this.config = config;
    this.vertx = vertx;
    this.state = shared.state();
    this.snapshots = new SnapshotPublisher(vertx, state, config.routing().virtualNodes());
    // A broker that failed a connect is skipped by this node for one health interval, before the
    // health checks (this node's and the tier's majority) have confirmed it down.
    this.suspicion = new BrokerSuspicion(config.health().interval());
    this.health = new TierHealth(config.nodeId(), shared.store(), shared.health(), metrics);
    // Relayed connections and health checks trust and check brokers' certificates alike: one set of contexts.
    this.brokerTls = new BrokerTlsContexts(task -> vertx.executeBlocking(() -> {
      task.run();
      return null;
    }, false));
    this.healthChecker = new HealthChecker(config.nodeId(), config.health(), snapshots::current, health, metrics,
        brokerTls);
    this.connections = new TierConnections(config.nodeId(), shared.store(), shared.connections(),
        () -> snapshots.current().brokers().stream().map(BrokerConfig::id).toList(),
        id -> metrics.broker(id).placed());
    this.router = new Router(snapshots::current, config.routing().key(),
        id -> health.isAvailable(id) && suspicion.isAvailable(id), state, config.routing().cleanSessions(), connections);
    // The data plane gets narrow links only: sticky entries through an adapter of the shared state,
    // and the health checker's probeNow as its probe trigger.
    this.proxy = ProxyRuntime.of(router, config.limits(), metrics, suspicion, new TierStickyEntries(state),
        healthChecker::probeNow, brokerTls);
    this.eventLoopLag = EventLoopLag.start(NettyLoops.of(vertx).workers());
    this.events = TierEvents.follow(snapshots, health, state);
    metrics.bindEventLoopLag(eventLoopLag);
    metrics.bindTierState(kind -> kind.equals("override") ? state.overrideCount() : state.stickyCount(),
        () -> snapshots.current().epoch(), () -> state.members().size(),
        state::stickyWritesDropped, state::stickyEvictions);
    metrics.bindRoutingMode(() -> snapshots.current().mode().label(),
        Arrays.stream(RoutingMode.values()).map(RoutingMode::label).toList());
  }

  /** Starts a node; the future fails, and nothing stays open, when a port cannot be bound. */
  public static Future<BalancerNode> start(NodeConfig config) {
    return start(config, "the configuration");
  }

  /**
   * Starts a node whose configuration came from {@code configSource} (named in log lines about the
   * cluster's state overriding the file).
   */
  public static Future<BalancerNode> start(NodeConfig config, String configSource) {
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(EVENT_LOOPS);
    if (!config.cluster().clustered()) {
      Vertx vertx = Vertx.builder().with(options).build();
      return startOn(vertx, config, Shared.open(new LocalStateStore(config.nodeId()), config, configSource));
    }
    HazelcastClusterManager clusterManager;
    try {
      clusterManager = new HazelcastClusterManager(
          HazelcastSetup.load(Path.of(config.cluster().hazelcastConfig()), config.nodeId()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalStateException(HazelcastSetup.CONFIG_KEY + ": " + e.getMessage(), e));
    }
    Promise<BalancerNode> started = Promise.promise();
    Vertx.builder().with(options).withClusterManager(clusterManager).buildClustered().onComplete(built -> {
      if (built.failed()) {
        started.fail(new IllegalStateException("cannot join the cluster: " + built.cause().getMessage(), built.cause()));
        return;
      }
      Vertx vertx = built.result();
      HazelcastStateStore store = new HazelcastStateStore(clusterManager.getHazelcastInstance());
      vertx.executeBlocking(() -> {
        MembershipLog.follow(config.nodeId(), store);
        return Shared.open(store, config, configSource);
      }).onComplete(opened -> {
        if (opened.failed()) {
          failAfterClose(vertx.close(), opened.cause(), started);
        } else {
          startOn(vertx, config, opened.result()).onComplete(started);
        }
      });
    });
    return started.future();
  }

  /**
   * Fails {@code started} once Vert.x has closed. The promise has no Vert.x context, and neither has
   * the future of {@code Vertx.close()}: a continuation bound to one of the node's event loops would
   * be rejected by the terminated loop, and the failure would never reach the caller.
   */
  private static void failAfterClose(Future<?> closed, Throwable failure, Promise<BalancerNode> started) {
    closed.onComplete(ignored -> started.fail(failure));
  }

  /** The tier's state and the shared maps of health observations and connection counts, opened on a worker thread. */
  private record Shared(StateStore store, TierState state, SharedMap health, SharedMap connections) {
    /** Blocks: a joining member waits for its copy of each map. The health and count maps open alongside the others. */
    static Shared open(StateStore store, NodeConfig config, String configSource) {
      CompletableFuture<SharedMap> health = CompletableFuture.supplyAsync(() -> TierHealth.openMap(store));
      CompletableFuture<SharedMap> connections = CompletableFuture.supplyAsync(() -> TierConnections.openMap(store));
      TierState state = TierState.open(store, config, configSource);
      return new Shared(store, state, health.join(), connections.join());
    }
  }

  private static Future<BalancerNode> startOn(Vertx vertx, NodeConfig config, Shared shared) {
    BalancerNode node = new BalancerNode(config, vertx, shared);
    node.snapshots.start();
    node.health.start();
    node.connections.start();
    Promise<BalancerNode> started = Promise.promise();
    node.deploy().onComplete(deployed -> {
      if (deployed.succeeded()) {
        started.complete(node);
      } else {
        failAfterClose(node.closeAll(), deployed.cause(), started);
      }
    });
    return started.future();
  }

  private Future<Void> deploy() {
    followTierForAdmission();
    Future<Void> chain = vertx.deployVerticle(healthChecker).mapEmpty();
    for (ListenerConfig listener : config.listeners()) {
      chain = chain.compose(v -> deployListener(listener));
    }
    return chain.compose(v -> deployMoves()).compose(v -> deployAdmin()).onSuccess(v -> {
      log.info("node {} up: listeners {}, admin {}://{}:{}, {} broker(s), mode {}, key {}, transport {}",
          config.nodeId(), listenerPorts, config.admin().hasTls() ? "https" : "http", config.admin().host(), adminPort,
          snapshots.current().brokers().size(),
          snapshots.current().mode().label(), config.routing().key().label(), vertx.isNativeTransportEnabled() ? "epoll" : "nio");
      if (config.routing().cleanSessions() != CleanSessionRouting.RING) {
        log.info("node {} routes clients that keep no session to the least-loaded broker (routing.cleanSessions: {})",
            config.nodeId(), config.routing().cleanSessions().label());
      }
      if (config.admin().allowUnauthenticated() && !config.admin().tokenRequired()) {
        log.warn("admin API on {} without a token (admin.allowUnauthenticated): whoever reaches the port can move"
            + " clients and change brokers", config.admin().host());
      }
      if (config.routing().key() == KeyField.CERTIFICATE_CN && !asksForClientCertificates(config)) {
        log.warn("routing.key is certificate-cn but no listener asks clients for a certificate (tls.clientAuth: request"
            + " or required): every client is routed as by client id");
      }
    });
  }

  /**
   * Keeps the data plane's admission control on the tier's broker set and live members: each node
   * paces its share of a broker's connect-rate cap, the cap divided by the members.
   */
  private void followTierForAdmission() {
    Runnable update = () -> proxy.updateAdmission(state.brokers(), state.members().size());
    state.onRoutingChange(update);
    state.onMembersChange(update);
    update.run();
  }

  /** Whether a client of some listener can bring a verified certificate, whose CN can then route it. */
  private static boolean asksForClientCertificates(NodeConfig config) {
    return config.listeners().stream().anyMatch(l -> l.tls() != null && l.tls().clientAuth() != ClientAuth.NONE);
  }

  /**
   * Deploys a listener: one Netty server channel on Vert.x's event loops (one per loop with epoll's
   * SO_REUSEPORT), whose clients each relay on the event loop that accepted them. A TLS listener's
   * files are loaded first (on a worker thread); a file that cannot be used stops the node's start.
   */
  private Future<Void> deployListener(ListenerConfig listener) {
    Future<ListenerTls> tls = !listener.hasTls() ? Future.succeededFuture(null)
        : vertx.executeBlocking(() -> ListenerTls.load(listener.name(), listener.tls(), metrics.tls(listener.name())))
            .recover(e -> Future.failedFuture(new IllegalStateException(
                "listener " + listener.name() + ": tls." + e.getMessage(), e)));
    return tls.compose(loaded -> {
      if (loaded != null) {
        listenerTls.put(listener.name(), loaded);
      }
      ListenerVerticle verticle = new ListenerVerticle(listener, listener.port(), proxy, loaded);
      return vertx.deployVerticle(verticle)
          .<Void>map(id -> {
            listenerDeployments.add(id);
            listenerPorts.put(listener.name(), verticle.actualPort());
            return null;
          })
          .recover(e -> Future.failedFuture(new IllegalStateException("listener " + listener.name()
              + ": cannot listen on " + listener.host() + ":" + listener.port() + ": " + e.getMessage(), e)));
    });
  }

  /**
   * Drain and rebalance jobs, and what-if predictions: answer the tier's move and what-if messages,
   * and start jobs and predictions for the admin API.
   */
  private Future<Void> deployMoves() {
    MovableClients clients = proxy.movableClients();
    moves = new MovesVerticle(config.nodeId(), state, router, snapshots::current, clients);
    metrics.bindMoveRemaining(moves::remainingClients);
    whatIf = new WhatIfVerticle(config.nodeId(), state, router, clients);
    return vertx.deployVerticle(moves).compose(id -> vertx.deployVerticle(whatIf)).mapEmpty();
  }

  private Future<Void> deployAdmin() {
    AdminVerticle admin = new AdminVerticle(config.nodeId(), config.admin(), router, snapshots, state,
        health, metrics, moves, whatIf, boundListeners(), listenerTls, events);
    return vertx.deployVerticle(admin)
        .onSuccess(id -> adminPort = admin.actualPort())
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "admin: cannot listen on " + config.admin().host() + ":" + config.admin().port() + ": " + e.getMessage(), e)));
  }

  /** The listeners with the ports they bound (a listener configured with port 0 got an ephemeral one). */
  private List<SelfAddress.Listener> boundListeners() {
    List<SelfAddress.Listener> bound = new ArrayList<>();
    for (ListenerConfig listener : config.listeners()) {
      bound.add(new SelfAddress.Listener(listener.name(), listener.host(), listenerPorts.get(listener.name())));
    }
    return bound;
  }

  /**
   * Stops gracefully: first the listeners stop accepting (and close their connections), then the
   * admin API and everything else.
   */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (String id : listenerDeployments) {
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    // Context-free, as in start: what follows Vert.x's close must not need one of its event loops.
    Promise<Void> stopped = Promise.promise();
    chain.onComplete(undeployed -> closeAll().onComplete(closed -> {
      log.info("node {} stopped", config.nodeId());
      stopped.handle(closed);
    }));
    return stopped.future();
  }

  /**
   * Stops the sticky writer and withdraws this node's connection counts, then stops Vert.x (the health checks with
   * it), which leaves the cluster.
   */
  private Future<Void> closeAll() {
    state.close();
    connections.close();
    eventLoopLag.close();
    return vertx.close().eventually(() -> {
      health.close();
      return Future.succeededFuture();
    });
  }

  public NodeConfig config() {
    return config;
  }

  public Router router() {
    return router;
  }

  public Metrics metrics() {
    return metrics;
  }

  public RoutingSnapshot snapshot() {
    return snapshots.current();
  }

  public TierState state() {
    return state;
  }

  /** The tier's connections per broker, as this node counts them for least-loaded routing. */
  public TierConnections connections() {
    return connections;
  }

  /** The tier's verdict on each broker, as this node sees it. */
  public TierHealth health() {
    return health;
  }

  /** What this node saw happen to the tier (health verdicts, routing changes, members, moves). */
  public TierEvents events() {
    return events;
  }

  /** The port each listener bound, by listener name. */
  public Map<String, Integer> listenerPorts() {
    return Collections.unmodifiableMap(listenerPorts);
  }

  /** The TLS of a listener (its certificates, its reload); null for a plain or unknown listener. */
  public ListenerTls listenerTls(String listener) {
    return listenerTls.get(listener);
  }

  /** The port of the first listener. */
  public int port() {
    return listenerPorts.values().iterator().next();
  }

  public int adminPort() {
    return adminPort;
  }

  public Vertx vertx() {
    return vertx;
  }
}
