package io.mqttlb.moves;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** What the admin API asks of a node's move jobs. Thread-safe. */
public interface MoveJobs {
  /** Largest rate a job accepts, in disconnects per second across the tier. */
  double MAX_RATE = 1_000_000;

  /**
   * Starts a job across the tier (superseding a running one): counts the affected clients on every
   * member, then tells each member its share of {@code rate}. The future gives
   * {@code {"id","kind","broker","rate","clients"}} ({@code broker} only for a drain).
   *
   * @param broker the drained broker; null for a rebalance
   */
  Future<JsonObject> start(MoveKind kind, String broker, double rate);

  /** The newest job's progress over the live members (see {@link MoveProgress#aggregate}), or null. */
  JsonObject progress();
}
