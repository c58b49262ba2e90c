package io.mqttlb.admin;

import io.mqttlb.cluster.SnapshotPublisher;
import io.mqttlb.cluster.TableEntry;
import io.mqttlb.cluster.TablePage;
import io.mqttlb.cluster.TierState;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.mqttlb.config.CaFile;
import io.mqttlb.config.Durations;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.config.SelfAddress;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls that change the tier's shared state: brokers, mode and the routing table.
 * A write goes to the cluster from a worker thread (it may wait for a cluster round trip); then this
 * node rebuilds its own routing snapshot before answering, so that the caller's next call to the
 * same node already sees the change. Other nodes follow within milliseconds.
 */
final class TierApi {
  private static final Logger log = LoggerFactory.getLogger(TierApi.class);
  static final int DEFAULT_TABLE_LIMIT = 100;
  static final int MAX_TABLE_LIMIT = 10_000;
  /** MQTT strings, and so routing keys, are at most 65535 bytes. */
  static final int MAX_KEY_LENGTH = 65535;

  private final Vertx vertx;
  private final TierState state;
  private final SnapshotPublisher snapshots;
  private final SelfAddress self;

  /** @param self this node's listeners as bound: a broker there is refused */
  TierApi(Vertx vertx, TierState state, SnapshotPublisher snapshots, SelfAddress self) {
    this.vertx = vertx;
    this.state = state;
    this.snapshots = snapshots;
    this.self = self;
  }

  void mount(Router web) {
    web.put("/api/v1/brokers/:id").handler(ctx -> call(ctx, () -> putBroker(ctx)));
    web.delete("/api/v1/brokers/:id").handler(ctx -> call(ctx, () -> removeBroker(ctx)));
    web.put("/api/v1/mode").handler(ctx -> call(ctx, () -> setMode(ctx)));
    web.get("/api/v1/table").handler(ctx -> call(ctx, () -> table(ctx)));
    web.put("/api/v1/table/:key").handler(ctx -> call(ctx, () -> putOverride(ctx)));
    web.delete("/api/v1/table/:key").handler(ctx -> call(ctx, () -> removeEntry(ctx)));
  }

  /** The answer of a call: its status and body. */
  private record Answer(int status, Object body) {}

  /** Runs a call off the event loop and answers its result, or its {@link BadRequest}. */
  private void call(RoutingContext ctx, Callable<Answer> work) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        AdminVerticle.json(ctx, ar.result().status(), ar.result().body());
      } else if (ar.cause() instanceof BadRequest bad) {
        AdminVerticle.error(ctx, bad.status(), bad.getMessage());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  private Answer putBroker(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonBody body = JsonBody.parse(ctx.body().buffer(),
        Set.of("address", "weight", "sendProxyProtocol", "tls", "maxConnectRate"),
        "{\"address\":\"10.0.0.5:1883\",\"weight\":1,\"sendProxyProtocol\":\"none\",\"tls\":null,\"maxConnectRate\":0}");
    BrokerConfig existing = state.broker(id);
    Integer weight = body.integer("weight");
    Integer maxConnectRate = body.integer("maxConnectRate");
    String proxyText = body.string("sendProxyProtocol", false);
    // Fields left out keep their value for an existing broker and take the default for a new one.
    ProxyProtocol proxy;
    try {
      proxy = proxyText != null ? ProxyProtocol.parse(proxyText)
          : existing != null ? existing.sendProxyProtocol() : ProxyProtocol.NONE;
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, "sendProxyProtocol: " + e.getMessage());
    }
    BrokerTlsConfig tls = body.has("tls") ? tls(body) : existing != null ? existing.tls() : null;
    BrokerConfig broker;
    try {
      broker = BrokerConfig.of(id, body.string("address", true),
          weight != null ? weight : existing != null ? existing.weight() : BrokerConfig.DEFAULT_WEIGHT)
          .withSendProxyProtocol(proxy).withTls(tls)
          .withMaxConnectRate(maxConnectRate != null ? maxConnectRate : existing != null ? existing.maxConnectRate() : 0);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, e.getMessage());
    }
    self.loopProblem(broker).ifPresent(problem -> {
      throw new BadRequest(400, "address " + problem);
    });
    state.putBroker(broker);
    snapshots.rebuild();
    log.info("broker {} {}: {} weight {}, PROXY protocol {}, {}, {}", id, existing == null ? "added" : "changed",
        broker.address(), broker.weight(), broker.sendProxyProtocol().label(), describeTls(broker.tls()),
        broker.maxConnectRate() == 0 ? "the tier's default connect-rate cap" : "at most " + broker.maxConnectRate()
            + " new connections/s");
    return new Answer(existing == null ? 201 : 200, brokerJson(broker));
  }

  /**
   * The {@code tls} field of a PUT: null for plain TCP, an object (empty for every default) for TLS.
   * The CA file is read here, on the node that takes the call: the same path must hold the same
   * file on every node of the tier.
   */
  private static BrokerTlsConfig tls(JsonBody body) {
    JsonBody fields = body.object("tls", Set.of("caPath", "serverName", "verify"),
        "{\"caPath\":\"/etc/mqttlb/broker-ca.pem\",\"serverName\":\"b1.example.com\",\"verify\":true}");
    if (fields == null) {
      return null;
    }
    Boolean verify = fields.bool("verify");
    BrokerTlsConfig tls;
    try {
      tls = new BrokerTlsConfig(fields.string("caPath", false), fields.string("serverName", false),
          verify == null || verify);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, "tls." + e.getMessage());
    }
    if (tls.caPath() != null) {
      CaFile.problem(tls.caPath()).ifPresent(problem -> {
        throw new BadRequest(400, "tls.caPath " + problem + " on this node");
      });
    }
    return tls;
  }

  private static String describeTls(BrokerTlsConfig tls) {
    if (tls == null) {
      return "plain TCP";
    }
    if (!tls.verify()) {
      return "TLS without verification";
    }
    return "TLS (trust " + (tls.caPath() == null ? "the JVM's default" : tls.caPath()) + ", name "
        + (tls.serverName() == null ? "the host" : tls.serverName()) + ")";
  }

  private Answer removeBroker(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (state.broker(id) == null) {
      throw new BadRequest(404, "no broker " + id);
    }
    if (state.brokers().size() == 1) {
      throw new BadRequest(409, "broker " + id + " is the last one; add another before removing it");
    }
    state.removeBroker(id);
    snapshots.rebuild();
    log.info("broker {} removed", id);
    return new Answer(200, new JsonObject().put("removed", id));
  }

  private Answer setMode(RoutingContext ctx) {
    JsonBody body = JsonBody.parse(ctx.body().buffer(), Set.of("mode"), "{\"mode\":\"table\"}");
    RoutingMode mode;
    try {
      mode = RoutingMode.parse(body.string("mode", true));
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, e.getMessage());
    }
    state.setMode(mode);
    snapshots.rebuild();
    log.info("routing mode set to {}", mode.label());
    return new Answer(200, new JsonObject().put("mode", mode.label()));
  }

  private Answer table(RoutingContext ctx) {
    String prefix = ctx.request().getParam("prefix");
    String after = ctx.request().getParam("after");
    int limit = limit(ctx.request().getParam("limit"));
    if (after != null && after.length() > MAX_KEY_LENGTH) {
      throw new BadRequest(400, "after is a key: at most " + MAX_KEY_LENGTH + " characters");
    }
    TablePage page = state.table(prefix == null || prefix.isEmpty() ? null : prefix,
        after == null || after.isEmpty() ? null : after, limit);
    JsonArray entries = new JsonArray();
    page.entries().forEach(entry -> entries.add(entryJson(entry)));
    return new Answer(200, new JsonObject()
        .put("size", page.size())
        .put("overrides", page.overrides())
        .put("sticky", page.sticky())
        .put("entries", entries));
  }

  private Answer putOverride(RoutingContext ctx) {
    String key = key(ctx);
    JsonBody body = JsonBody.parse(ctx.body().buffer(), Set.of("broker", "ttl"), "{\"broker\":\"b3\",\"ttl\":\"10m\"}");
    String broker = body.string("broker", true);
    String ttlText = body.string("ttl", false);
    Duration ttl = null;
    if (ttlText != null) {
      try {
        ttl = Durations.parse(ttlText);
      } catch (IllegalArgumentException e) {
        throw new BadRequest(400, "ttl: " + e.getMessage());
      }
      if (ttl.isZero()) {
        throw new BadRequest(400, "ttl must be more than 0; leave it out for an override that does not expire");
      }
    }
    if (state.broker(broker) == null) {
      throw new BadRequest(404, "no broker " + broker);
    }
    TableEntry entry = state.putOverride(key, broker, ttl);
    log.info("override {} -> {}{}", key, broker, ttl == null ? "" : " for " + Durations.format(ttl));
    return new Answer(200, entryJson(entry));
  }

  private Answer removeEntry(RoutingContext ctx) {
    String key = key(ctx);
    if (!state.removeEntry(key)) {
      throw new BadRequest(404, "no table entry for key " + key);
    }
    return new Answer(200, new JsonObject().put("removed", key));
  }

  private static String key(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    if (key == null || key.isEmpty()) {
      throw new BadRequest(400, "the key is empty");
    }
    if (key.length() > MAX_KEY_LENGTH || key.indexOf('\0') >= 0) {
      throw new BadRequest(400, "a key is at most " + MAX_KEY_LENGTH + " characters, without U+0000");
    }
    return key;
  }

  static int limit(String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT_TABLE_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_TABLE_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest(400, "limit must be a whole number from 1 to " + MAX_TABLE_LIMIT);
  }

  static JsonObject brokerJson(BrokerConfig broker) {
    return new JsonObject().put("id", broker.id()).put("address", broker.address()).put("weight", broker.weight())
        .put("sendProxyProtocol", broker.sendProxyProtocol().label())
        .put("tls", tlsJson(broker.tls()))
        .put("maxConnectRate", broker.maxConnectRate());
  }

  /** A broker's TLS settings as the API answers them: null for plain TCP. */
  static JsonObject tlsJson(BrokerTlsConfig tls) {
    return tls == null ? null : new JsonObject()
        .put("caPath", tls.caPath())
        .put("serverName", tls.serverName())
        .put("verify", tls.verify());
  }

  private static JsonObject entryJson(TableEntry entry) {
    return new JsonObject()
        .put("key", entry.key())
        .put("broker", entry.broker())
        .put("kind", entry.kind())
        .put("expiresAt", entry.expiresAt() == 0 ? null : Instant.ofEpochMilli(entry.expiresAt()).toString());
  }
}
