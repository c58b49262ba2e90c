package io.mqttlb.admin;

import io.mqttlb.config.Durations;
import io.mqttlb.config.SelfAddress;
import io.mqttlb.tls.CertificateSummary;
import io.mqttlb.tls.ListenerTls;
import io.mqttlb.tls.ReloadResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * This node's MQTT listeners: {@code GET /api/v1/listeners} lists them with the certificates their
 * TLS presents, {@code POST /api/v1/listeners/{name}/reload} reads a TLS listener's files again. A
 * reload answers 200 with the certificates new handshakes now present; 422 with the problem when a
 * file cannot be used (the previous certificates stay in use); 400 for a listener without TLS; 404
 * for an unknown name. Per node: each node reloads its own listeners.
 */
final class ListenersApi {
  /** The status of a well-formed call whose files cannot be used (WebDAV's Unprocessable Entity). */
  static final int UNPROCESSABLE = 422;

  private final Vertx vertx;
  private final List<SelfAddress.Listener> listeners;
  private final Map<String, ListenerTls> tls;

  /**
   * @param listeners the node's listeners with the ports they bound
   * @param tls the TLS of each listener that has it, by listener name
   */
  ListenersApi(Vertx vertx, List<SelfAddress.Listener> listeners, Map<String, ListenerTls> tls) {
    this.vertx = vertx;
    this.listeners = List.copyOf(listeners);
    this.tls = Map.copyOf(tls);
  }

  void mount(Router web) {
    web.get("/api/v1/listeners").handler(this::list);
    web.post("/api/v1/listeners/:name/reload").handler(this::reload);
  }

  private void list(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    for (SelfAddress.Listener listener : listeners) {
      ListenerTls listenerTls = tls.get(listener.name());
      list.add(new JsonObject()
          .put("name", listener.name())
          .put("host", listener.host())
          .put("port", listener.port())
          .put("tls", listenerTls == null ? null : new JsonObject()
              .put("provider", listenerTls.provider())
              .put("clientAuth", listenerTls.config().clientAuth().label())
              .put("watchInterval", Durations.format(listenerTls.config().watchInterval()))
              .put("certificates", certificates(listenerTls.certificates()))));
    }
    AdminVerticle.json(ctx, 200, list);
  }

  private void reload(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (listeners.stream().noneMatch(listener -> listener.name().equals(name))) {
      AdminVerticle.error(ctx, 404, "no listener named " + name);
      return;
    }
    ListenerTls listenerTls = tls.get(name);
    if (listenerTls == null) {
      AdminVerticle.error(ctx, 400, "listener " + name + " has no TLS: there are no certificate files to reload");
      return;
    }
    vertx.executeBlocking(listenerTls::reload, false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ReloadResult result = ar.result();
      if (result.loaded()) {
        AdminVerticle.json(ctx, 200, new JsonObject()
            .put("listener", name)
            .put("changed", result.changed())
            .put("certificates", certificates(result.certificates())));
      } else {
        AdminVerticle.json(ctx, UNPROCESSABLE, new JsonObject()
            .put("error", result.problem())
            .put("listener", name)
            .put("certificatesInUse", certificates(result.certificates())));
      }
    });
  }

  private static JsonArray certificates(List<CertificateSummary> summaries) {
    JsonArray list = new JsonArray();
    for (CertificateSummary summary : summaries) {
      list.add(new JsonObject()
          .put("servedFor", summary.servedFor())
          .put("subject", summary.subject())
          .put("issuer", summary.issuer())
          .put("serial", summary.serial())
          .put("notBefore", summary.notBefore().toString())
          .put("notAfter", summary.notAfter().toString())
          .put("names", new JsonArray(summary.names())));
    }
    return list;
  }
}
