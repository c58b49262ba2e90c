package io.mqttlb.admin;

import io.mqttlb.cluster.SnapshotPublisher;
import io.mqttlb.cluster.TierState;
import io.mqttlb.moves.MoveJobs;
import io.mqttlb.moves.MoveKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls that move clients: drain a broker, enable it again, rebalance. A drain
 * first flags the broker drained, cluster-wide, and rebuilds this node's snapshot, so that the
 * clients it disconnects do not come back to it; then the move job starts on every member. Answers
 * 202 once the job has started, not when it is done: progress is in {@code status.moves}.
 */
final class MovesApi {
  private static final Logger log = LoggerFactory.getLogger(MovesApi.class);
  private static final String RATE_EXAMPLE = "{\"rate\":50}";

  private final Vertx vertx;
  private final TierState state;
  private final SnapshotPublisher snapshots;
  private final MoveJobs moves;

  MovesApi(Vertx vertx, TierState state, SnapshotPublisher snapshots, MoveJobs moves) {
    this.vertx = vertx;
    this.state = state;
    this.snapshots = snapshots;
    this.moves = moves;
  }

  void mount(Router web) {
    web.post("/api/v1/brokers/:id/drain").handler(this::drain);
    web.post("/api/v1/brokers/:id/enable").handler(this::enable);
    web.post("/api/v1/rebalance").handler(this::rebalance);
  }

  private void drain(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    answer(ctx, 202, vertx.executeBlocking(() -> {
      requireBroker(id);
      double rate = rate(ctx);
      state.drain(id);
      snapshots.rebuild();
      log.info("broker {} drained; moving its clients away at {}/s", id, rate);
      return rate;
    }, false).compose(rate -> moves.start(MoveKind.DRAIN, id, rate)));
  }

  private void enable(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    answer(ctx, 200, vertx.executeBlocking(() -> {
      requireBroker(id);
      state.enable(id);
      snapshots.rebuild();
      log.info("broker {} enabled", id);
      return new JsonObject().put("enabled", id);
    }, false));
  }

  private void rebalance(RoutingContext ctx) {
    double rate;
    try {
      rate = rate(ctx);
    } catch (BadRequest bad) {
      AdminVerticle.error(ctx, bad.status(), bad.getMessage());
      return;
    }
    answer(ctx, 202, moves.start(MoveKind.REBALANCE, null, rate));
  }

  private void requireBroker(String id) {
    if (state.broker(id) == null) {
      throw new BadRequest(404, "no broker " + id);
    }
  }

  /** The body's rate: a number above 0 and at most {@link MoveJobs#MAX_RATE}, in disconnects per second. */
  private static double rate(RoutingContext ctx) {
    JsonBody body = JsonBody.parse(ctx.body().buffer(), Set.of("rate"), RATE_EXAMPLE);
    Double rate = body.number("rate");
    if (rate == null) {
      throw new BadRequest(400, "\"rate\" is required (disconnects per second), e.g. " + RATE_EXAMPLE);
    }
    if (!(rate > 0 && rate <= MoveJobs.MAX_RATE)) {
      throw new BadRequest(400, "rate must be more than 0 and at most " + (long) MoveJobs.MAX_RATE + " (disconnects per second)");
    }
    return rate;
  }

  private static void answer(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        AdminVerticle.json(ctx, status, ar.result());
      } else if (ar.cause() instanceof BadRequest bad) {
        AdminVerticle.error(ctx, bad.status(), bad.getMessage());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }
}
