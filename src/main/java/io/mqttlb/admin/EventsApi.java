package io.mqttlb.admin;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /api/v1/events}: the node's recent {@link TierEvents} as JSON, or, for a caller that
 * accepts {@code text/event-stream}, as server-sent events that stay open: first the kept events,
 * then each new one as it happens. Each event's {@code id:} is its {@code seq}, so a client that
 * reconnects with {@code Last-Event-ID} (or {@code ?after=}) gets only what it missed. The stream
 * goes through the same bearer-token check as every {@code /api} call; browsers' EventSource cannot
 * send that header, so the dashboard reads the stream with fetch().
 *
 * <p>A comment line every {@link #KEEP_ALIVE_MILLIS} ms keeps idle proxies from closing the stream
 * and lets the node notice a client that went away. A client that reads too slowly to keep up is
 * disconnected rather than buffered without bound; it reconnects and resumes from its last id.
 */
final class EventsApi {
  static final long KEEP_ALIVE_MILLIS = 15_000;
  private static final String EVENT_STREAM = "text/event-stream";

  private final Vertx vertx;
  private final TierEvents events;

  EventsApi(Vertx vertx, TierEvents events) {
    this.vertx = vertx;
    this.events = events;
  }

  void mount(Router web) {
    web.get("/api/v1/events").handler(this::events);
  }

  private void events(RoutingContext ctx) {
    long after;
    try {
      after = after(ctx);
    } catch (BadRequest bad) {
      AdminVerticle.error(ctx, bad.status(), bad.getMessage());
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && accept.contains(EVENT_STREAM)) {
      stream(ctx, after);
    } else {
      AdminVerticle.json(ctx, 200, new JsonObject().put("last", events.lastSeq())
          .put("events", new JsonArray(events.after(after))));
    }
  }

  private void stream(RoutingContext ctx, long after) {
    HttpServerResponse response = ctx.response()
        .setChunked(true)
        .putHeader("content-type", EVENT_STREAM + "; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .putHeader("x-accel-buffering", "no"); // nginx in front would otherwise hold the events back
    response.write(": mqttlb events of this node\n\n");
    Context context = vertx.getOrCreateContext();
    AtomicReference<Runnable> unsubscribe = new AtomicReference<>(() -> { });
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MILLIS, id -> response.write(": keep-alive\n\n"));
    Runnable end = () -> {
      vertx.cancelTimer(keepAlive);
      unsubscribe.get().run();
    };
    response.closeHandler(closed -> end.run());
    // Events arrive on other threads; the response is written on its own context, in arrival order.
    unsubscribe.set(events.subscribe(after, event -> context.runOnContext(v -> {
      if (response.closed() || response.ended()) {
        return;
      }
      if (response.writeQueueFull()) {
        response.reset(); // too slow: it resumes from Last-Event-ID after reconnecting
        return;
      }
      response.write("id: " + event.getLong("seq") + "\nevent: tier\ndata: " + event.encode() + "\n\n");
    })));
  }

  /** {@code ?after=N} or the {@code Last-Event-ID} header: a seq, 0 (everything kept) when absent. */
  private static long after(RoutingContext ctx) {
    String text = ctx.request().getParam("after");
    if (text == null || text.isEmpty()) {
      text = ctx.request().getHeader("Last-Event-ID");
    }
    if (text == null || text.isEmpty()) {
      return 0;
    }
    try {
      long seq = Long.parseLong(text.strip());
      if (seq >= 0) {
        return seq;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest(400, "after (or Last-Event-ID) must be an event's seq: a whole number from 0");
  }
}
