package io.mqttlb.moves;

/** What a move job disconnects: the clients of one broker, or the clients routing would now send elsewhere. */
public enum MoveKind {
  /** The clients relayed to one broker, which is drained first so that they reconnect elsewhere. */
  DRAIN("drain"),
  /** The clients whose broker differs from the one the router picks for their key now. */
  REBALANCE("rebalance");

  private final String label;

  MoveKind(String label) {
    this.label = label;
  }

  /** The label in the API, the event bus messages and the {@code kind} tag of {@code mqttlb_moved_total}. */
  public String label() {
    return label;
  }

  public static MoveKind parse(String label) {
    for (MoveKind kind : values()) {
      if (kind.label.equals(label)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown move kind \"" + label + "\"; expected drain or rebalance");
  }
}
