package io.mqttlb.moves;

import io.mqttlb.cluster.SharedMap;
import io.mqttlb.cluster.TierState;
import io.mqttlb.proxy.MovableClients;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RouteDecision;
import io.mqttlb.routing.RoutingSnapshot;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs drain and rebalance jobs across the tier at a rate of N disconnects per second.
 *
 * <p>The node that takes the API call coordinates: it asks every member for its count of affected
 * clients (request/reply on {@code mqttlb.moves.count.<nodeId>}; a member silent for
 * {@value #COUNT_TIMEOUT_MILLIS} ms counts 0), then publishes {@code mqttlb.moves.start}
 * {@code {id, kind, broker, rate, startedAt, shares: {nodeId: rate × count / total}}}. Worked example:
 * rate 50, counts lb-1 30 and lb-2 70 give shares 15/s and 35/s, and both nodes finish after two
 * seconds. Each node (for a drain, once its own snapshot routes around the broker) selects its
 * affected clients again, then every {@value #TICK_MILLIS} ms
 * disconnects {@code floor(share × elapsed) − done} of them, so the pace follows the clock, not
 * the timer's punctuality. A node whose share is 0 but which found clients (they connected after
 * the count) uses {@code rate / members}. A new job supersedes a running one. The same runs over
 * the local event bus on a standalone node.
 *
 * <p>Each node writes its progress to the shared map {@code moves} under its id (at most every
 * {@value #PROGRESS_EVERY_MILLIS} ms while running, and at the end), from a worker thread, and
 * publishes the clients its job has yet to disconnect for the metrics ({@link #remainingClients}).
 * Other state is confined to this verticle's event loop.
 */
public final class MovesVerticle extends VerticleBase implements MoveJobs {
  private static final Logger log = LoggerFactory.getLogger(MovesVerticle.class);
  public static final String COUNT_ADDRESS_PREFIX = "mqttlb.moves.count.";
  public static final String START_ADDRESS = "mqttlb.moves.start";
  static final long COUNT_TIMEOUT_MILLIS = 2000;
  static final long TICK_MILLIS = 20;
  static final long PROGRESS_EVERY_MILLIS = 250;
  private static final long DRAIN_FLAG_WAIT_NANOS = 2_000_000_000L;

  private final String nodeId;
  private final TierState state;
  private final Router router;
  private final Supplier<RoutingSnapshot> snapshots;
  /** This node's relayed clients, which a job selects and moves. */
  private final MovableClients relayed;
  private final SharedMap progressMap;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private Job current;
  /** Written on the event loop at every tick of the current job, read by metric scrapes. */
  private volatile int remaining;

  /** @param snapshots this node's routing snapshots (the router's) */
  public MovesVerticle(String nodeId, TierState state, Router router, Supplier<RoutingSnapshot> snapshots,
                       MovableClients relayed) {
    this.nodeId = nodeId;
    this.state = state;
    this.router = router;
    this.snapshots = snapshots;
    this.relayed = relayed;
    this.progressMap = state.moveProgress();
  }

  @Override
  public Future<?> start() {
    consumers.add(vertx.eventBus().consumer(COUNT_ADDRESS_PREFIX + nodeId, this::onCount));
    consumers.add(vertx.eventBus().consumer(START_ADDRESS, this::onStart));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    if (current != null) {
      current.stop(MoveProgress.SUPERSEDED);
    }
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  // ---- coordinating a job (the node that took the API call) ----

  @Override
  public Future<JsonObject> start(MoveKind kind, String broker, double rate) {
    List<String> members = state.members();
    JsonObject query = new JsonObject().put("kind", kind.label()).put("broker", broker);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(COUNT_TIMEOUT_MILLIS);
    List<Future<Long>> counts = new ArrayList<>();
    for (String member : members) {
      counts.add(vertx.eventBus().<JsonObject>request(COUNT_ADDRESS_PREFIX + member, query, options)
          .map(reply -> reply.body().getLong("count", 0L))
          .otherwise(failure -> {
            log.warn("move {}: member {} did not answer its count ({}); it counts 0", kind.label(), member,
                failure.getMessage());
            return 0L;
          }));
    }
    return Future.all(counts).map(all -> {
      long total = 0;
      for (Future<Long> count : counts) {
        total += count.result();
      }
      JsonObject shares = new JsonObject();
      for (int i = 0; i < members.size(); i++) {
        shares.put(members.get(i), total == 0 ? 0.0 : rate * counts.get(i).result() / total);
      }
      long startedAt = System.currentTimeMillis();
      String id = "move-" + nodeId + "-" + Long.toString(startedAt, 36);
      JsonObject job = new JsonObject()
          .put("id", id)
          .put("kind", kind.label())
          .put("broker", broker)
          .put("rate", rate)
          .put("startedAt", startedAt)
          .put("shares", shares);
      vertx.eventBus().publish(START_ADDRESS, job);
      log.info("move {} {}{} at {}/s: {} client(s) over {} member(s), shares {}", id, kind.label(),
          broker == null ? "" : " " + broker, MoveProgress.rateJson(rate), total, members.size(), shares.encode());
      JsonObject answer = new JsonObject().put("id", id).put("kind", kind.label());
      if (broker != null) {
        answer.put("broker", broker);
      }
      return answer.put("rate", MoveProgress.rateJson(rate)).put("clients", total);
    });
  }

  /**
   * Clients the job running on this node has yet to disconnect; 0 while none runs (none started,
   * done, or superseded and the next one not begun). Callable from any thread.
   */
  public int remainingClients() {
    return remaining;
  }

  @Override
  public JsonObject progress() {
    return MoveProgress.aggregate(progressMap.copy(), state.members());
  }

  // ---- every member ----

  private void onCount(Message<JsonObject> message) {
    Predicate<RouteDecision> affected = affected(message.body());
    if (affected == null) {
      message.reply(new JsonObject().put("count", 0));
      return;
    }
    relayed.select(affected).onComplete(ar -> message.reply(
        new JsonObject().put("count", ar.succeeded() ? ar.result().size() : 0)));
  }

  private void onStart(Message<JsonObject> message) {
    JsonObject body = message.body();
    Predicate<RouteDecision> affected = affected(body);
    if (affected == null) {
      return;
    }
    if (current != null) {
      current.stop(MoveProgress.SUPERSEDED);
    }
    Job job = new Job(body);
    current = job;
    String drained = job.kind == MoveKind.DRAIN ? body.getString("broker") : null;
    whenRoutedAround(drained, System.nanoTime() + DRAIN_FLAG_WAIT_NANOS, () -> {
      if (current == job) {
        relayed.select(affected).onComplete(ar -> {
          if (current == job) {
            job.begin(ar.succeeded() ? ar.result() : List.of());
          }
        });
      }
    });
  }

  /**
   * Runs {@code then} once this node's routing snapshot has {@code broker} drained (at once for
   * null): the drain flag replicates within milliseconds, and a client disconnected before this
   * node's snapshot has it could come straight back to the drained broker. Gives up waiting at the
   * deadline (a broker removed meanwhile, a flag enabled again).
   */
  private void whenRoutedAround(String broker, long deadlineNanos, Runnable then) {
    if (broker == null || snapshots.get().isDrained(broker) || System.nanoTime() - deadlineNanos > 0) {
      then.run();
      return;
    }
    vertx.setTimer(TICK_MILLIS, id -> whenRoutedAround(broker, deadlineNanos, then));
  }

  /**
   * Which relayed clients a job moves, or null for a message this node cannot read: a drain, every client of its
   * broker; a rebalance, those {@link Router#routesElsewhere(RouteDecision)} gives to another broker now.
   */
  private Predicate<RouteDecision> affected(JsonObject job) {
    MoveKind kind;
    try {
      kind = MoveKind.parse(job.getString("kind"));
    } catch (IllegalArgumentException | ClassCastException e) {
      log.warn("ignoring a move message with kind {}", job.getValue("kind"));
      return null;
    }
    if (kind == MoveKind.DRAIN) {
      String broker = job.getString("broker");
      return routed -> routed.broker().id().equals(broker);
    }
    return router::routesElsewhere;
  }

  /** This node's part of one job. Confined to the verticle's event loop. */
  private final class Job {
    private final JsonObject description;
    private final MoveKind kind;
    private final double share;
    private final double rate;
    private List<MovableClients.Client> clients = List.of();
    private int done;
    private long startNanos;
    private long lastWriteNanos;
    private long timer = -1;
    private boolean over;
    private double pace;

    Job(JsonObject description) {
      this.description = description;
      this.kind = MoveKind.parse(description.getString("kind"));
      this.rate = description.getDouble("rate", 0.0);
      Object mine = description.getJsonObject("shares", new JsonObject()).getValue(nodeId);
      this.share = mine instanceof Number number ? number.doubleValue() : 0;
    }

    void begin(List<MovableClients.Client> selected) {
      if (over) {
        return;
      }
      clients = selected;
      int members = Math.max(1, description.getJsonObject("shares", new JsonObject()).size());
      pace = share > 0 ? share : rate / members;
      startNanos = System.nanoTime();
      log.info("move {}: disconnecting {} client(s) of this node at {}/s", id(), clients.size(),
          String.format("%.2f", pace));
      if (clients.isEmpty() || pace <= 0) {
        stop(MoveProgress.DONE);
        return;
      }
      remaining = clients.size();
      write(MoveProgress.RUNNING);
      timer = vertx.setPeriodic(TICK_MILLIS, id -> tick());
    }

    private void tick() {
      long now = System.nanoTime();
      double elapsedSeconds = (now - startNanos) / 1e9;
      long due = Math.min(clients.size(), (long) Math.floor(pace * elapsedSeconds));
      while (done < due) {
        clients.get(done++).moveAway(kind.label());
      }
      remaining = clients.size() - done;
      if (done == clients.size()) {
        stop(MoveProgress.DONE);
      } else if (now - lastWriteNanos >= PROGRESS_EVERY_MILLIS * 1_000_000) {
        write(MoveProgress.RUNNING);
      }
    }

    void stop(String endState) {
      if (over) {
        return;
      }
      over = true;
      remaining = 0; // only the current job runs: a superseded one is stopped before the next begins
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      if (MoveProgress.SUPERSEDED.equals(endState)) {
        log.info("move {} superseded after {} of {} client(s)", id(), done, clients.size());
      } else {
        log.info("move {} done on this node: {} client(s) disconnected", id(), done);
      }
      write(endState);
    }

    private String id() {
      return description.getString("id");
    }

    private void write(String jobState) {
      lastWriteNanos = System.nanoTime();
      long startedAt = description.getLong("startedAt", 0L);
      String entry = new JsonObject()
          .put("id", id())
          .put("kind", kind.label())
          .put("broker", description.getString("broker"))
          .put("rate", MoveProgress.rateJson(rate))
          .put("share", pace)
          .put("done", done)
          .put("remaining", clients.size() - done)
          .put("state", jobState)
          .put("startedAt", Instant.ofEpochMilli(startedAt).toString())
          .put("startedAtMillis", startedAt)
          .encode();
      // Ordered: a later write of this node never lands before an earlier one.
      vertx.executeBlocking(() -> {
        progressMap.put(nodeId, entry);
        return null;
      }, true);
    }
  }
}
