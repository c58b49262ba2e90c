package io.mqttlb.moves;

import io.mqttlb.routing.TopologyChange;
import io.vertx.core.Future;

/** What the admin API asks of the tier about a change it is not making. Thread-safe. */
public interface MovePredictor {
  /**
   * Asks every member which of its relayed clients a rebalance would move once {@code change} is
   * made, and where to; each member applies the change to its own routing snapshot and routes by its
   * own table and health view, as it would for the real rebalance.
   *
   * @param samplesPerPair how many routing keys to name per (from, to) pair, at most
   */
  Future<PredictedClientMoves> predict(TopologyChange change, int samplesPerPair);
}
