package io.mqttlb.admin;

import io.mqttlb.cluster.SnapshotPublisher;
import io.mqttlb.cluster.TierState;
import io.mqttlb.config.AdminConfig;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.SelfAddress;
import io.mqttlb.config.TlsSettingException;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.health.TierHealth;
import io.mqttlb.moves.MoveJobs;
import io.mqttlb.moves.MovePredictor;
import io.mqttlb.routing.RingShares;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.tls.ListenerTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The node's admin HTTP API: health, Prometheus metrics, status, route and ring here, the calls
 * that change the tier's state in {@link TierApi}, the events in {@link EventsApi}; and the live
 * dashboard at {@code /}, static files from the jar that call this API. When a token is configured every {@code /api} call must carry it as a bearer
 * token ({@link BearerToken}). Errors answer JSON {@code {"error": "..."}} with a 4xx status; bad input never yields a
 * 500, and a client's mistake is logged at DEBUG only ({@link AdminErrors}). With {@code admin.tls} the API speaks HTTPS ({@link AdminTls}).
 */
public final class AdminVerticle extends VerticleBase {
  private static final String JSON = "application/json";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** Longest routing key accepted on the route call; MQTT strings are at most 65535 bytes. */
  private static final int MAX_KEY_LENGTH = 65535;
  private static final int MAX_REQUEST_LINE = 4 * MAX_KEY_LENGTH;
  /** Far above the largest body a call takes (a broker with its TLS settings). */
  static final int MAX_BODY_BYTES = 64 * 1024;
  /** The dashboard's files, on the class path (in the jar): served at {@code /} without a token, being static. */
  static final String DASHBOARD_ROOT = "io/mqttlb/admin/dashboard";
  /**
   * The dashboard loads nothing from elsewhere and is never framed: a script injected into it (a hostile
   * broker id, say) could not send the token anywhere but this node.
   */
  private static final String DASHBOARD_POLICY = "default-src 'self'; img-src 'self' data:; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final String nodeId;
  private final AdminConfig config;
  private final Router router;
  private final SnapshotPublisher snapshots;
  private final TierState state;
  private final TierHealth health;
  private final Metrics metrics;
  private final MoveJobs moves;
  private final MovePredictor predictor;
  private final SelfAddress self;
  private final List<SelfAddress.Listener> listeners;
  private final Map<String, ListenerTls> listenerTls;
  private final TierEvents events;
  /** The configured token's bytes, compared in constant time; empty when none is required. */
  private final byte[] token;
  private HttpServer server;

  /**
   * @param listeners this node's MQTT listeners as bound (actual ports): the broker calls refuse a broker there
   * @param listenerTls the TLS of each listener that has it, by listener name (reloaded by the listener calls)
   * @param events what this node saw happen to the tier, for the events call
   */
  public AdminVerticle(String nodeId, AdminConfig config, Router router, SnapshotPublisher snapshots,
                       TierState state, TierHealth health, Metrics metrics, MoveJobs moves, MovePredictor predictor,
                       List<SelfAddress.Listener> listeners, Map<String, ListenerTls> listenerTls, TierEvents events) {
    this.events = events;
    this.moves = moves;
    this.predictor = predictor;
    this.self = SelfAddress.of(listeners);
    this.listeners = List.copyOf(listeners);
    this.listenerTls = Map.copyOf(listenerTls);
    this.nodeId = nodeId;
    this.config = config;
    this.token = config.token().getBytes(StandardCharsets.UTF_8);
    this.router = router;
    this.snapshots = snapshots;
    this.state = state;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    io.vertx.ext.web.Router web = io.vertx.ext.web.Router.router(vertx);
    web.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    web.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", PROMETHEUS_TEXT).end(metrics.scrape()));
    web.route("/api/*").handler(this::authorize);
    web.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    web.get("/api/v1/status").handler(this::status);
    web.get("/api/v1/brokers").handler(ctx -> json(ctx, 200, brokers()));
    web.get("/api/v1/mode").handler(ctx -> json(ctx, 200, new JsonObject().put("mode", snapshots.current().mode().label())));
    web.get("/api/v1/route").handler(this::route);
    // One lookup per point of the ring: on a worker, not on the event loop that also relays clients.
    web.get("/api/v1/ring").handler(ctx -> vertx.executeBlocking(this::ring, false).onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, 200, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    }));
    new EventsApi(vertx, events).mount(web);
    new TierApi(vertx, state, snapshots, self).mount(web);
    new MovesApi(vertx, state, snapshots, moves).mount(web);
    new WhatIfApi(vertx, router, predictor).mount(web);
    new ListenersApi(vertx, listeners, listenerTls).mount(web);
    // The dashboard's files all sit at the top level; an /api/ path never reaches the static handler,
    // so a wrong method on an API call stays a 405 rather than a missing file's 404.
    web.getWithRegex("/[^/]*").handler(ctx -> {
      ctx.response().putHeader("content-security-policy", DASHBOARD_POLICY).putHeader("x-content-type-options", "nosniff");
      ctx.next();
    }).handler(StaticHandler.create(DASHBOARD_ROOT).setCachingEnabled(false));
    AdminErrors.mount(web, MAX_BODY_BYTES, metrics);
    // Routing keys may be up to 65535 bytes and arrive URL-encoded in the query: allow long request lines.
    HttpServerOptions options = new HttpServerOptions().setMaxInitialLineLength(MAX_REQUEST_LINE);
    if (config.hasTls()) {
      try {
        AdminTls.apply(config.tls(), options); // the files were checked at load; this reads them once more
      } catch (TlsSettingException e) {
        return Future.failedFuture(new IllegalStateException("admin.tls." + e.key() + ": " + e.problem(), e));
      }
    }
    server = vertx.createHttpServer(options).requestHandler(web);
    return server.listen(config.port(), config.host());
  }

  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  private void authorize(RoutingContext ctx) {
    if (!config.tokenRequired()) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (BearerToken.matches(header, token)) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, header == null ? "missing bearer token" : "wrong bearer token");
    }
  }

  private void status(RoutingContext ctx) {
    json(ctx, 200, new JsonObject()
        .put("node", nodeId)
        .put("mode", snapshots.current().mode().label())
        .put("cleanSessions", router.cleanSessions().label())
        .put("epoch", snapshots.current().epoch())
        .put("seededFrom", state.seededFromConfig() ? "config" : "tier")
        .put("members", new JsonArray(state.members()))
        .put("clients", metrics.clientsActive())
        .put("brokers", brokers())
        .put("table", new JsonObject()
            .put("size", state.overrideCount() + state.stickyCount())
            .put("overrides", state.overrideCount())
            .put("sticky", state.stickyCount()))
        .put("moves", moves.progress()));
  }

  private JsonArray brokers() {
    JsonArray list = new JsonArray();
    RoutingSnapshot snapshot = snapshots.current();
    for (BrokerConfig broker : snapshot.brokers()) {
      list.add(new JsonObject()
          .put("id", broker.id())
          .put("address", broker.address())
          .put("weight", broker.weight())
          .put("sendProxyProtocol", broker.sendProxyProtocol().label())
          .put("tls", TierApi.tlsJson(broker.tls()))
          .put("maxConnectRate", broker.maxConnectRate())
          .put("healthy", health.isAvailable(broker.id()))
          .put("seenDownBy", new JsonArray(health.seenDownBy(broker.id())))
          .put("since", health.since(broker.id()) == null ? null : health.since(broker.id()).toString())
          .put("connections", metrics.broker(broker.id()).active())
          .put("connectionsTotal", (long) metrics.broker(broker.id()).total())
          .put("tierConnections", router.loads().connections(broker.id()))
          .put("drained", snapshot.isDrained(broker.id())));
    }
    return list;
  }

  /**
   * The share of the hash space each broker owns on the current ring ({@code share}) and the share
   * it takes new clients for now ({@code serving}: brokers that are down or drained skipped, their
   * arcs going to their successors clockwise, as hash-mode routing sends them).
   */
  private JsonObject ring() {
    RoutingSnapshot snapshot = snapshots.current();
    RingShares shares = RingShares.of(snapshot.ring());
    RingShares serving = RingShares.of(snapshot.ring(), index -> !snapshot.isDrained(index)
        && health.isAvailable(snapshot.ring().memberId(index)));
    JsonArray brokers = new JsonArray();
    for (int i = 0; i < snapshot.ring().memberCount(); i++) {
      String id = snapshot.ring().memberId(i);
      brokers.add(new JsonObject()
          .put("id", id)
          .put("weight", snapshot.ring().weight(i))
          .put("points", snapshot.ring().weight(i) * snapshot.ring().virtualNodes())
          .put("share", shares.share(i))
          .put("serving", serving.share(i))
          .put("healthy", health.isAvailable(id))
          .put("drained", snapshot.isDrained(i)));
    }
    return new JsonObject()
        .put("epoch", snapshot.epoch())
        .put("virtualNodes", snapshot.ring().virtualNodes())
        .put("points", snapshot.ring().pointCount())
        .put("brokers", brokers);
  }

  /**
   * Where a client with these CONNECT fields, and with {@code certificateCn} the subject CN of its
   * verified TLS certificate, would go now. A node that does not route by certificate CN ignores
   * the CN, so a CN alone is a question it cannot answer (such a client is routed by its address).
   * {@code cleanSession=true} asks for a client that keeps no session (MQTT 3.x clean session, MQTT 5
   * clean start without session expiry), which a node with {@code routing.cleanSessions: least-loaded}
   * places by load; by default the client keeps one.
   */
  private void route(RoutingContext ctx) {
    String clientId = ctx.request().getParam("clientId");
    String username = ctx.request().getParam("username");
    String certificateCn = ctx.request().getParam("certificateCn");
    String cleanSessionText = ctx.request().getParam("cleanSession");
    if (cleanSessionText != null && !cleanSessionText.equals("true") && !cleanSessionText.equals("false")) {
      error(ctx, 400, "cleanSession must be true or false");
      return;
    }
    boolean cleanSession = "true".equals(cleanSessionText);
    boolean byCertificate = router.keyField() == KeyField.CERTIFICATE_CN;
    if (isEmpty(clientId) && isEmpty(username) && (isEmpty(certificateCn) || !byCertificate)) {
      error(ctx, 400, isEmpty(certificateCn) ? "give clientId, username or certificateCn (or several)"
          : "this node routes by " + router.keyField().label() + ", not by certificate CN: give clientId or username");
      return;
    }
    if (length(clientId) > MAX_KEY_LENGTH || length(username) > MAX_KEY_LENGTH || length(certificateCn) > MAX_KEY_LENGTH) {
      error(ctx, 400, "clientId, username and certificateCn are at most " + MAX_KEY_LENGTH + " characters");
      return;
    }
    RouteDecision decision = router.route(clientId, username, null, isEmpty(certificateCn) ? null : certificateCn,
        cleanSession);
    if (decision == null) {
      error(ctx, 404, "no broker configured");
      return;
    }
    json(ctx, 200, new JsonObject()
        .put("broker", decision.broker().id())
        .put("address", decision.broker().address())
        .put("source", decision.source())
        .put("key", decision.key().value())
        .put("keySource", decision.key().source().label())
        .put("cleanSession", cleanSession)
        .put("epoch", decision.epoch()));
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(String.valueOf(body));
  }

  static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }
}
