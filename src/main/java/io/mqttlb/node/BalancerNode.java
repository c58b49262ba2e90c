package io.mqttlb.node;

import io.mqttlb.admin.AdminVerticle;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.proxy.BrokerSuspicion;
import io.mqttlb.proxy.ListenerVerticle;
import io.mqttlb.proxy.ProxyRuntime;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RoutingSnapshot;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running balancer node: its own Vert.x instance (native epoll when available), one listener
 * verticle per event loop for each configured listener, and the admin API. The {@code node} and
 * {@code demo} commands and the tests all start nodes through this class.
 */
public final class BalancerNode {
  private static final Logger log = LoggerFactory.getLogger(BalancerNode.class);

  private final NodeConfig config;
  private final Vertx vertx;
  private final Metrics metrics = new Metrics();
  private final AtomicReference<RoutingSnapshot> snapshot;
  private final BrokerSuspicion suspicion;
  private final Router router;
  private final Map<String, Integer> listenerPorts = new LinkedHashMap<>();
  private final List<String> listenerDeployments = new ArrayList<>();
  private int adminPort;

  private BalancerNode(NodeConfig config, Vertx vertx) {
    this.config = config;
    this.vertx = vertx;
    this.snapshot = new AtomicReference<>(RoutingSnapshot.of(1, config.brokers(), config.routing().virtualNodes()));
    // Until health checks exist, a broker that failed a connect is skipped for one health interval.
    this.suspicion = new BrokerSuspicion(config.health().interval());
    this.router = new Router(snapshot::get, config.routing().key(), suspicion);
  }

  /** Starts a node; the future fails, and nothing stays open, when a port cannot be bound. */
  public static Future<BalancerNode> start(NodeConfig config) {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    BalancerNode node = new BalancerNode(config, vertx);
    return node.deploy()
        .map(v -> node)
        .recover(failure -> vertx.close().transform(ignored -> Future.<BalancerNode>failedFuture(failure)));
  }

  private Future<Void> deploy() {
    ProxyRuntime runtime = ProxyRuntime.of(router, config.limits(), metrics, suspicion);
    Future<Void> chain = Future.succeededFuture();
    for (ListenerConfig listener : config.listeners()) {
      chain = chain.compose(v -> deployListener(listener, runtime));
    }
    return chain.compose(v -> deployAdmin()).onSuccess(v -> log.info(
        "node {} up: listeners {}, admin http://{}:{}, {} broker(s), mode {}, key {}, transport {}",
        config.nodeId(), listenerPorts, config.admin().host(), adminPort, config.brokers().size(),
        config.routing().mode().label(), config.routing().key().label(), vertx.isNativeTransportEnabled() ? "epoll" : "nio"));
  }

  /**
   * Deploys one listener instance per event loop on the same host and port: Vert.x binds the socket
   * once and spreads accepted connections over the instances. Instances asked for port 0 would each
   * bind their own ephemeral port, so port 0 is first resolved to one free port.
   */
  private Future<Void> deployListener(ListenerConfig listener, ProxyRuntime runtime) {
    int port;
    try {
      port = listener.port() == 0 ? FreePort.on(listener.host()) : listener.port();
    } catch (IOException e) {
      return Future.failedFuture(new IllegalStateException("listener " + listener.name() + ": no free port on "
          + listener.host() + ": " + e.getMessage(), e));
    }
    return vertx.deployVerticle(() -> new ListenerVerticle(listener, port, runtime),
            new DeploymentOptions().setInstances(eventLoops()))
        .<Void>map(id -> {
          listenerDeployments.add(id);
          listenerPorts.put(listener.name(), port);
          return null;
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("listener " + listener.name()
            + ": cannot listen on " + listener.host() + ":" + port + ": " + e.getMessage(), e)));
  }

  private Future<Void> deployAdmin() {
    AdminVerticle admin = new AdminVerticle(config.nodeId(), config.routing().mode().label(), config.admin(),
        router, snapshot::get, suspicion, metrics);
    return vertx.deployVerticle(admin)
        .onSuccess(id -> adminPort = admin.actualPort())
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "admin: cannot listen on " + config.admin().host() + ":" + config.admin().port() + ": " + e.getMessage(), e)));
  }

  private static int eventLoops() {
    return VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
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
    return chain.eventually(() -> vertx.close()).onComplete(ar -> log.info("node {} stopped", config.nodeId()));
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
    return snapshot.get();
  }

  /** The port each listener bound, by listener name. */
  public Map<String, Integer> listenerPorts() {
    return Collections.unmodifiableMap(listenerPorts);
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
