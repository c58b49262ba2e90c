package io.mqttlb.moves;

import io.mqttlb.cluster.TierState;
import io.mqttlb.moves.PredictedClientMoves.PairClients;
import io.mqttlb.proxy.MovableClients;
import io.mqttlb.routing.KeySpaceMoves.Pair;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.TopologyChange;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predicts, across the tier, which relayed clients a change would move, changing nothing.
 *
 * <p>The node that takes the API call asks every member (request/reply on {@code
 * mqttlb.whatif.<nodeId>}, as move jobs count their clients); each member applies the change to its
 * own routing snapshot ({@link TopologyChange#applyTo}), pins a copy of its router to the result, and
 * asks it, for each relayed client, where a rebalance would then send it ({@link Router#movesTo}, the
 * rule the rebalance itself applies: table entries and health included). It answers
 * {@code {"relaying":N,"moves":[{"from","to","count","samples":[key,…]}]}}. A member silent for
 * {@value #ANSWER_TIMEOUT_MILLIS} ms, or one that cannot apply the change (its state lags the
 * asking node's), is reported as incomplete, not counted as 0.
 */
public final class WhatIfVerticle extends VerticleBase implements MovePredictor {
  private static final Logger log = LoggerFactory.getLogger(WhatIfVerticle.class);
  public static final String ADDRESS_PREFIX = "mqttlb.whatif.";
  static final long ANSWER_TIMEOUT_MILLIS = 2000;
  /** The failure code of a member that cannot apply the change. */
  private static final int CANNOT_APPLY = 400;
  /** The failure code of a member whose event loops did not answer its survey. */
  private static final int CANNOT_SURVEY = 500;

  private final String nodeId;
  private final TierState state;
  private final Router router;
  private final MovableClients relayed;
  private MessageConsumer<JsonObject> consumer;

  public WhatIfVerticle(String nodeId, TierState state, Router router, MovableClients relayed) {
    this.nodeId = nodeId;
    this.state = state;
    this.router = router;
    this.relayed = relayed;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(ADDRESS_PREFIX + nodeId, this::onQuestion);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  // ---- the asking node ----

  @Override
  public Future<PredictedClientMoves> predict(TopologyChange change, int samplesPerPair) {
    List<String> members = state.members();
    JsonObject question = new JsonObject().put("change", toJson(change)).put("samples", samplesPerPair);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ANSWER_TIMEOUT_MILLIS);
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String member : members) {
      answers.add(vertx.eventBus().<JsonObject>request(ADDRESS_PREFIX + member, question, options)
          .map(Message::body)
          .otherwise(failure -> {
            log.warn("what-if {}: member {} did not answer ({}); its clients are not counted", change.describe(),
                member, failure.getMessage());
            return null;
          }));
    }
    return Future.all(answers).map(all -> {
      long connected = 0;
      Map<Pair, Long> counts = new TreeMap<>();
      Map<Pair, SortedSet<String>> samples = new HashMap<>();
      List<String> answered = new ArrayList<>();
      List<String> incomplete = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        JsonObject answer = answers.get(i).result();
        if (answer == null) {
          incomplete.add(members.get(i));
          continue;
        }
        answered.add(members.get(i));
        connected += answer.getLong("relaying", 0L);
        for (Object item : answer.getJsonArray("moves", new JsonArray())) {
          JsonObject move = (JsonObject) item;
          Pair pair = new Pair(move.getString("from"), move.getString("to"));
          counts.merge(pair, move.getLong("count", 0L), Long::sum);
          SortedSet<String> keys = samples.computeIfAbsent(pair, p -> new TreeSet<>());
          for (Object key : move.getJsonArray("samples", new JsonArray())) {
            keep(keys, (String) key, samplesPerPair);
          }
        }
      }
      Map<Pair, PairClients> moves = new TreeMap<>();
      counts.forEach((pair, count) -> moves.put(pair, new PairClients(count, samples.get(pair))));
      return new PredictedClientMoves(connected, moves, answered, incomplete);
    });
  }

  // ---- every member ----

  private void onQuestion(Message<JsonObject> message) {
    TopologyChange change;
    int samplesPerPair;
    try {
      change = fromJson(message.body().getJsonObject("change"));
      samplesPerPair = message.body().getInteger("samples", 0);
    } catch (RuntimeException e) {
      message.fail(CANNOT_APPLY, "unreadable what-if question: " + e.getMessage());
      return;
    }
    // Building a ring sorts all its points: off the event loop.
    vertx.executeBlocking(() -> router.pinnedTo(change.applyTo(router.snapshot())), false).onComplete(built -> {
      if (built.failed()) {
        message.fail(CANNOT_APPLY, "node " + nodeId + " cannot apply the change: " + built.cause().getMessage());
        return;
      }
      Router after = built.result();
      relayed.<Move>survey(routed -> {
        String to = after.movesTo(routed);
        return to == null ? null : new Move(new Pair(routed.broker().id(), to), routed.key().value());
      }).onComplete(surveyed -> {
        if (surveyed.failed()) {
          message.fail(CANNOT_SURVEY, "node " + nodeId + " could not look at its clients: " + surveyed.cause().getMessage());
        } else {
          message.reply(answer(surveyed.result(), samplesPerPair));
        }
      });
    });
  }

  /** A relayed client that would move: its pair and its routing key. */
  private record Move(Pair pair, String key) {}

  private static JsonObject answer(MovableClients.Survey<Move> survey, int samplesPerPair) {
    Map<Pair, Long> counts = new TreeMap<>();
    Map<Pair, SortedSet<String>> samples = new HashMap<>();
    for (Move move : survey.found()) {
      counts.merge(move.pair(), 1L, Long::sum);
      keep(samples.computeIfAbsent(move.pair(), p -> new TreeSet<>()), move.key(), samplesPerPair);
    }
    JsonArray moves = new JsonArray();
    counts.forEach((pair, count) -> moves.add(new JsonObject()
        .put("from", pair.from())
        .put("to", pair.to())
        .put("count", count)
        .put("samples", new JsonArray(new ArrayList<>(samples.get(pair))))));
    return new JsonObject().put("relaying", survey.relaying()).put("moves", moves);
  }

  private static void keep(SortedSet<String> keys, String key, int limit) {
    keys.add(key);
    if (keys.size() > limit) {
      keys.remove(keys.last());
    }
  }

  // ---- the change on the event bus ----

  static JsonObject toJson(TopologyChange change) {
    return new JsonObject()
        .put("remove", new JsonArray(new ArrayList<>(change.remove())))
        .put("add", new JsonObject(new HashMap<>(change.add())))
        .put("weights", new JsonObject(new HashMap<>(change.weights())))
        .put("drain", new JsonArray(new ArrayList<>(change.drain())));
  }

  static TopologyChange fromJson(JsonObject json) {
    return new TopologyChange(strings(json.getJsonArray("remove")), integers(json.getJsonObject("add")),
        integers(json.getJsonObject("weights")), strings(json.getJsonArray("drain")));
  }

  private static SortedSet<String> strings(JsonArray array) {
    SortedSet<String> set = new TreeSet<>();
    array.forEach(item -> set.add((String) item));
    return set;
  }

  private static Map<String, Integer> integers(JsonObject object) {
    Map<String, Integer> map = new TreeMap<>();
    object.forEach(entry -> map.put(entry.getKey(), ((Number) entry.getValue()).intValue()));
    return map;
  }
}
