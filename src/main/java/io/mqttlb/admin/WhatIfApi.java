package io.mqttlb.admin;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.moves.MovePredictor;
import io.mqttlb.moves.PredictedClientMoves;
import io.mqttlb.moves.PredictedClientMoves.PairClients;
import io.mqttlb.routing.KeySpaceMoves;
import io.mqttlb.routing.KeySpaceMoves.Pair;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.routing.TopologyChange;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /api/v1/whatif?remove=b2&add=b4:1&weight=b1:2&drain=b3}: what a change to the broker set
 * would move, changing nothing. The key space from this node's rings, exactly ({@link KeySpaceMoves});
 * the connected clients from every member ({@link MovePredictor}). The answer, e.g. for draining b3:
 *
 * <pre>
 *   {"change":"drain b3","mode":"hash","epoch":1,"keySpace":0.3430502334547978,
 *    "moves":[{"from":"b3","to":"b1","keySpace":0.2106360331956013,"clients":12,"samples":["sensor-1","sensor-11"]},
 *             {"from":"b3","to":"b2","keySpace":0.13241420025919645,"clients":10,"samples":["sensor-10","sensor-18"]}],
 *    "clients":{"connected":60,"moving":22},"nodes":["lb-1"],"incomplete":[]}
 * </pre>
 */
final class WhatIfApi {
  static final int DEFAULT_SAMPLES = 5;
  static final int MAX_SAMPLES = 1000;
  private static final Set<String> PARAMETERS = new TreeSet<>(List.of("remove", "add", "weight", "drain", "samples"));
  private static final String USAGE = "give one or more of remove=ID, add=ID[:W], weight=ID:W, drain=ID"
      + " (repeatable, or comma-separated)";

  private final Vertx vertx;
  private final Router router;
  private final MovePredictor predictor;

  WhatIfApi(Vertx vertx, Router router, MovePredictor predictor) {
    this.vertx = vertx;
    this.router = router;
    this.predictor = predictor;
  }

  void mount(io.vertx.ext.web.Router web) {
    web.get("/api/v1/whatif").handler(this::whatIf);
  }

  private void whatIf(RoutingContext ctx) {
    TopologyChange change;
    int samples;
    try {
      MultiMap query = ctx.queryParams();
      change = change(query);
      samples = samples(query.getAll("samples"));
    } catch (BadRequest bad) {
      AdminVerticle.error(ctx, bad.status(), bad.getMessage());
      return;
    }
    vertx.executeBlocking(() -> keySpace(change), false)
        .compose(keySpace -> predictor.predict(change, samples).map(clients -> answer(change, keySpace, clients)))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            AdminVerticle.json(ctx, 200, ar.result());
          } else if (ar.cause() instanceof BadRequest bad) {
            AdminVerticle.error(ctx, bad.status(), bad.getMessage());
          } else {
            ctx.fail(ar.cause());
          }
        });
  }

  /** The snapshot now and after the change, and the key space between them; a change that cannot apply is a BadRequest. */
  private KeySpaceAnswer keySpace(TopologyChange change) {
    RoutingSnapshot now = router.snapshot();
    RoutingSnapshot after;
    try {
      after = change.applyTo(now);
    } catch (TopologyChange.UnknownBroker e) {
      throw new BadRequest(404, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, e.getMessage());
    }
    return new KeySpaceAnswer(now, KeySpaceMoves.between(router.pinnedTo(now), router.pinnedTo(after)));
  }

  private record KeySpaceAnswer(RoutingSnapshot now, KeySpaceMoves moves) {}

  private static JsonObject answer(TopologyChange change, KeySpaceAnswer keySpace, PredictedClientMoves clients) {
    Set<Pair> pairs = new TreeSet<>(keySpace.moves().shares().keySet());
    pairs.addAll(clients.moves().keySet());
    JsonArray moves = new JsonArray();
    for (Pair pair : pairs) {
      PairClients moving = clients.moves().get(pair);
      moves.add(new JsonObject()
          .put("from", pair.from())
          .put("to", pair.to())
          .put("keySpace", keySpace.moves().shares().getOrDefault(pair, 0.0))
          .put("clients", moving == null ? 0 : moving.count())
          .put("samples", new JsonArray(moving == null ? List.of() : new ArrayList<>(moving.samples()))));
    }
    return new JsonObject()
        .put("change", change.describe())
        .put("mode", keySpace.now().mode().label())
        .put("epoch", keySpace.now().epoch())
        .put("keySpace", keySpace.moves().total())
        .put("moves", moves)
        .put("clients", new JsonObject().put("connected", clients.connected()).put("moving", clients.moving()))
        .put("nodes", new JsonArray(clients.answered()))
        .put("incomplete", new JsonArray(clients.incomplete()));
  }

  // ---- the query ----

  /**
   * The change the query asks about. {@code weight=W} without an id is the weight of the one broker
   * added without its own ({@code ?add=b4&weight=2} reads as {@code ?add=b4:2}).
   */
  static TopologyChange change(MultiMap query) {
    for (String name : query.names()) {
      if (!PARAMETERS.contains(name)) {
        throw new BadRequest(400, "unknown parameter \"" + name + "\"; " + USAGE);
      }
    }
    Set<String> remove = ids("remove", query.getAll("remove"));
    Set<String> drain = ids("drain", query.getAll("drain"));
    Map<String, Integer> add = new TreeMap<>();
    List<String> addedWithoutWeight = new ArrayList<>();
    for (String item : items("add", query.getAll("add"))) {
      int colon = item.indexOf(':');
      String id = colon < 0 ? item : item.substring(0, colon);
      checkId("add", id);
      if (add.put(id, colon < 0 ? BrokerConfig.DEFAULT_WEIGHT : weight("add", item, item.substring(colon + 1))) != null) {
        throw new BadRequest(400, "add: broker " + id + " is given twice");
      }
      if (colon < 0) {
        addedWithoutWeight.add(id);
      }
    }
    Map<String, Integer> weights = new TreeMap<>();
    for (String item : items("weight", query.getAll("weight"))) {
      int colon = item.indexOf(':');
      if (colon < 0) {
        if (addedWithoutWeight.size() != 1) {
          throw new BadRequest(400, "weight=" + item + " without a broker id is the weight of the one broker added"
              + " without a weight; write weight=ID:W (or add=ID:W)");
        }
        String id = addedWithoutWeight.remove(0);
        add.put(id, weight("weight", item, item));
        continue;
      }
      String id = item.substring(0, colon);
      checkId("weight", id);
      if (weights.put(id, weight("weight", item, item.substring(colon + 1))) != null) {
        throw new BadRequest(400, "weight: broker " + id + " is given twice");
      }
    }
    TopologyChange change = new TopologyChange(remove, add, weights, drain);
    if (change.isEmpty()) {
      throw new BadRequest(400, USAGE);
    }
    return change;
  }

  private static Set<String> ids(String parameter, List<String> values) {
    Set<String> ids = new TreeSet<>();
    for (String id : items(parameter, values)) {
      checkId(parameter, id);
      ids.add(id);
    }
    return ids;
  }

  /** The values of a repeatable parameter, each also split at commas (broker ids have none). */
  private static List<String> items(String parameter, List<String> values) {
    List<String> items = new ArrayList<>();
    for (String value : values) {
      for (String item : value.split(",", -1)) {
        if (item.isBlank()) {
          throw new BadRequest(400, parameter + ": an empty value; " + USAGE);
        }
        items.add(item.strip());
      }
    }
    return items;
  }

  /** The id rules live with the broker record: a throwaway broker applies them, with their message. */
  private static void checkId(String parameter, String id) {
    try {
      new BrokerConfig(id, "id.check.invalid", 1, 1);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, parameter + ": broker " + e.getMessage());
    }
  }

  private static int weight(String parameter, String item, String text) {
    try {
      int weight = Integer.parseInt(text);
      if (weight >= BrokerConfig.MIN_WEIGHT && weight <= BrokerConfig.MAX_WEIGHT) {
        return weight;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest(400, parameter + ": the weight in \"" + item + "\" must be a whole number from "
        + BrokerConfig.MIN_WEIGHT + " to " + BrokerConfig.MAX_WEIGHT);
  }

  static int samples(List<String> values) {
    if (values.isEmpty()) {
      return DEFAULT_SAMPLES;
    }
    if (values.size() == 1) {
      try {
        int samples = Integer.parseInt(values.get(0));
        if (samples >= 0 && samples <= MAX_SAMPLES) {
          return samples;
        }
      } catch (NumberFormatException e) {
        // answered below
      }
    }
    throw new BadRequest(400, "samples must be one whole number from 0 to " + MAX_SAMPLES
        + " (routing keys shown per pair of brokers)");
  }
}
