package io.mqttlb.routing;

/**
 * A broker as the ring sees it: its id and its weight. A member with weight {@code w} gets {@code
 * w × virtualNodes} points on the ring, so about {@code w} times the keys of a weight-1 member.
 *
 * @param id the broker id, non-empty; its points are hashes of {@code id + "#" + i}
 * @param weight at least 1
 */
public record RingMember(String id, int weight) {

  public RingMember {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(
          "id (" + (id == null ? "null" : "\"\"") + ") must be non-empty");
    }
    if (weight < 1) {
      throw new IllegalArgumentException(
          "weight (" + weight + ") of member " + id + " must be >= 1");
    }
  }
}
