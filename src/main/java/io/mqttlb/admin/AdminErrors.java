package io.mqttlb.admin;

import io.mqttlb.metrics.Metrics;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the admin API answers a call that matched no route or failed, always as JSON
 * {@code {"error": "..."}}. A client's mistake (no such call: 404; a wrong method: 405; a body over
 * the limit: 413; a request Vert.x could not read: 400) is answered with its status and logged at
 * DEBUG only. A fault on this node's side is answered 500, logged at WARN with its cause, and
 * counted in {@link Metrics#ADMIN_INTERNAL_ERRORS}, so that an operator can alert on it and a test
 * can tell that none happened without reading the log.
 */
final class AdminErrors {
  private static final Logger log = LoggerFactory.getLogger(AdminErrors.class);

  private AdminErrors() {
  }

  /**
   * Mounts the handlers on {@code web}, after its routes.
   *
   * @param maxBodyBytes the body limit of {@code web}'s body handler, named in the answer to a larger body
   */
  static void mount(Router web, int maxBodyBytes, Metrics metrics) {
    web.errorHandler(404, ctx -> AdminVerticle.error(ctx, 404,
        "no such call: " + ctx.request().method() + " " + ctx.request().path()));
    web.errorHandler(405, ctx -> AdminVerticle.error(ctx, 405,
        "method not allowed: " + ctx.request().method() + " " + ctx.request().path()));
    web.route().failureHandler(ctx -> clientMistake(ctx, maxBodyBytes));
    // Every failure clientMistake passes on (an exception has no status) ends here, as a 500.
    web.errorHandler(500, ctx -> {
      metrics.adminInternalError();
      log.warn("admin call {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      if (!ctx.response().ended()) {
        AdminVerticle.error(ctx, 500, "internal error");
      }
    });
  }

  /**
   * A failed request whose status says the client erred is answered here with the usual JSON error
   * and a DEBUG line; anything else goes on to the 500 handler.
   */
  private static void clientMistake(RoutingContext ctx, int maxBodyBytes) {
    int status = ctx.statusCode();
    if (status < 400 || status >= 500) {
      ctx.next();
      return;
    }
    if (log.isDebugEnabled()) {
      log.debug("admin call {} {} refused: {} {}", ctx.request().method(), ctx.request().path(), status,
          ctx.failure() == null ? "" : ctx.failure().toString());
    }
    if (!ctx.response().ended()) {
      AdminVerticle.error(ctx, status, status == 413 ? "the request body is larger than " + maxBodyBytes + " bytes" : HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT));
    }
  }
}
