package io.mqttlb.moves;

import io.mqttlb.routing.KeySpaceMoves.Pair;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The tier's relayed clients that a change would move, summed over the members that answered.
 *
 * @param connected relayed clients on the members that answered
 * @param moves per (from, to) pair: how many clients, and a few of their routing keys (the first in
 *     sort order, so the same tier gives the same sample)
 * @param answered members that answered
 * @param incomplete members that did not answer in time, or could not apply the change: their
 *     clients are not counted
 */
public record PredictedClientMoves(long connected, Map<Pair, PairClients> moves, List<String> answered,
                                   List<String> incomplete) {

  /** The clients of one pair: how many, and some routing keys. */
  public record PairClients(long count, SortedSet<String> samples) {}

  /** Clients that would move, all pairs together. */
  public long moving() {
    return moves.values().stream().mapToLong(PairClients::count).sum();
  }
}
