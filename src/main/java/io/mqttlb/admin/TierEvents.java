package io.mqttlb.admin;

import io.mqttlb.cluster.SnapshotPublisher;
import io.mqttlb.cluster.TierState;
import io.mqttlb.cluster.TierState.MergedBack;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.health.TierHealth;
import io.mqttlb.health.TierHealth.VerdictChange;
import io.mqttlb.moves.MoveProgress;
import io.mqttlb.routing.RoutingSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The last things that happened to the tier, as this node saw them: the tier's verdict on a broker
 * (down or up, with the members that see it down), the routing state (mode switched, broker added,
 * removed, changed, drained, enabled), the membership (a node joined or left), move jobs
 * (started, finished) and this node's merging back into the tier after a split, with what it lost. Every node follows the shared state, so a change made through another node
 * is an event here too.
 *
 * <p>Each event is a JSON object {@code {"seq","at","type","text",...}}: {@code seq} grows by one per
 * event on this node, {@code text} says it in a sentence, and the other fields depend on the type.
 * The newest {@link #DEFAULT_CAPACITY} are kept. Events come from Hazelcast, health and worker
 * threads; one lock orders them, and subscribers are called under it, in {@code seq} order, so they
 * must not block. Thread-safe.
 */
public final class TierEvents {
  public static final int DEFAULT_CAPACITY = 200;

  private final int capacity;
  private final ArrayDeque<JsonObject> recent = new ArrayDeque<>();
  private final List<Consumer<JsonObject>> subscribers = new CopyOnWriteArrayList<>();
  private long lastSeq;
  private List<String> members = List.of();
  private JsonObject moves;

  TierEvents(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity (" + capacity + ") must be at least 1");
    }
    this.capacity = capacity;
  }

  /**
   * Events of this node's view of the tier, from now on: follows the published routing snapshots,
   * the tier's health verdicts, the membership and the move jobs' progress.
   */
  public static TierEvents follow(SnapshotPublisher snapshots, TierHealth health, TierState state) {
    TierEvents events = new TierEvents(DEFAULT_CAPACITY);
    synchronized (events) {
      events.members = List.copyOf(state.members());
      events.moves = MoveProgress.aggregate(state.moveProgress().copy(), events.members);
    }
    snapshots.onPublish(events::routingChanged);
    health.onVerdictChange(events::verdictChanged);
    state.onMembersChange(() -> events.membersChanged(state::members));
    state.moveProgress().onChange(() -> events.movesChanged(
        () -> MoveProgress.aggregate(state.moveProgress().copy(), state.members())));
    state.onMergedBack(merged -> events.add(mergedBackEvent(merged)));
    return events;
  }

  /** The kept events with a {@code seq} above {@code afterSeq}, oldest first. */
  public synchronized List<JsonObject> after(long afterSeq) {
    List<JsonObject> list = new ArrayList<>();
    for (JsonObject event : recent) {
      if (event.getLong("seq") > afterSeq) {
        list.add(event.copy());
      }
    }
    return list;
  }

  /** The {@code seq} of the newest event; 0 before the first. */
  public synchronized long lastSeq() {
    return lastSeq;
  }

  /**
   * Hands {@code subscriber} the kept events after {@code afterSeq}, then every new one, with no gap
   * and no repeat between the two. A caller that remembers a {@code seq} above any this node gave
   * (the node restarted since) gets every kept event. Returns what ends the subscription.
   */
  public synchronized Runnable subscribe(long afterSeq, Consumer<JsonObject> subscriber) {
    for (JsonObject event : after(afterSeq > lastSeq ? 0 : afterSeq)) {
      subscriber.accept(event);
    }
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  // ---- sources ----

  void routingChanged(RoutingSnapshot old, RoutingSnapshot next) {
    routingChanges(old, next).forEach(this::add);
  }

  void verdictChanged(VerdictChange change) {
    add(verdictEvent(change));
  }

  /**
   * Reads the members under the lock: listeners run on several threads, and a reading taken outside
   * could be applied after a newer one, reporting a member twice.
   */
  synchronized void membersChanged(Supplier<List<String>> now) {
    List<String> before = members;
    members = List.copyOf(now.get());
    memberChanges(before, members).forEach(this::add);
  }

  /** Reads the newest job under the lock, for the same reason as the members. */
  synchronized void movesChanged(Supplier<JsonObject> now) {
    JsonObject before = moves;
    moves = now.get();
    moveChanges(before, moves).forEach(this::add);
  }

  /** Stamps the event with the next {@code seq} and the time, keeps it, and hands it to the subscribers. */
  synchronized void add(JsonObject event) {
    JsonObject stamped = new JsonObject().put("seq", ++lastSeq).put("at", Instant.now().toString()).mergeIn(event);
    recent.addLast(stamped);
    if (recent.size() > capacity) {
      recent.removeFirst();
    }
    for (Consumer<JsonObject> subscriber : subscribers) {
      subscriber.accept(stamped.copy());
    }
  }

  // ---- what changed, pure ----

  static JsonObject verdictEvent(VerdictChange change) {
    JsonObject event = event(change.up() ? "broker-up" : "broker-down",
        "broker " + change.brokerId() + (change.up() ? " is up for the tier" : " is down for the tier, seen down by "
            + String.join(", ", change.seenDownBy()) + " of " + change.members().size() + " members"))
        .put("broker", change.brokerId())
        .put("seenDownBy", new JsonArray(change.seenDownBy()));
    return event;
  }

  /** The differences between two routing snapshots, as events: mode first, then broker by broker. */
  static List<JsonObject> routingChanges(RoutingSnapshot old, RoutingSnapshot next) {
    List<JsonObject> events = new ArrayList<>();
    if (old.mode() != next.mode()) {
      events.add(event("mode", "routing mode switched from " + old.mode().label() + " to " + next.mode().label())
          .put("from", old.mode().label()).put("mode", next.mode().label()));
    }
    TreeSet<String> ids = new TreeSet<>();
    old.brokers().forEach(b -> ids.add(b.id()));
    next.brokers().forEach(b -> ids.add(b.id()));
    for (String id : ids) {
      BrokerConfig before = old.broker(id);
      BrokerConfig after = next.broker(id);
      if (before == null) {
        events.add(event("broker-added", "broker " + id + " added at " + after.address() + ", weight " + after.weight())
            .put("broker", id).put("address", after.address()).put("weight", after.weight()));
      } else if (after == null) {
        events.add(event("broker-removed", "broker " + id + " removed").put("broker", id));
      } else if (!before.equals(after)) {
        events.add(event("broker-changed", "broker " + id + " changed: " + describeChange(before, after))
            .put("broker", id).put("address", after.address()).put("weight", after.weight()));
      }
      if (after != null && next.isDrained(id) != (before != null && old.isDrained(id))) {
        boolean drained = next.isDrained(id);
        events.add(event(drained ? "broker-drained" : "broker-enabled",
            "broker " + id + (drained ? " drained: it takes no new clients" : " enabled: it takes new clients again"))
            .put("broker", id));
      }
    }
    return events;
  }

  private static String describeChange(BrokerConfig before, BrokerConfig after) {
    List<String> parts = new ArrayList<>();
    if (!before.address().equals(after.address())) {
      parts.add("address " + before.address() + " → " + after.address());
    }
    if (before.weight() != after.weight()) {
      parts.add("weight " + before.weight() + " → " + after.weight());
    }
    if (before.sendProxyProtocol() != after.sendProxyProtocol()) {
      parts.add("PROXY protocol " + before.sendProxyProtocol().label() + " → " + after.sendProxyProtocol().label());
    }
    if (!Objects.equals(before.tls(), after.tls())) {
      parts.add("TLS settings");
    }
    return parts.isEmpty() ? "settings" : String.join(", ", parts);
  }

  /** Members that joined, then members that left, each sorted. */
  static List<JsonObject> memberChanges(List<String> before, List<String> after) {
    List<JsonObject> events = new ArrayList<>();
    new TreeSet<>(after).stream().filter(id -> !before.contains(id)).forEach(id ->
        events.add(event("member-joined", "node " + id + " joined the tier").put("member", id)));
    new TreeSet<>(before).stream().filter(id -> !after.contains(id)).forEach(id ->
        events.add(event("member-left", "node " + id + " left the tier").put("member", id)));
    return events;
  }

  /**
   * A move job that appeared (started) or stopped running (finished), between two readings of the
   * tier's newest job ({@link MoveProgress#aggregate}); a job first seen already ended is both.
   */
  static List<JsonObject> moveChanges(JsonObject before, JsonObject after) {
    List<JsonObject> events = new ArrayList<>();
    if (after == null) {
      return events;
    }
    boolean sameJob = before != null && Objects.equals(before.getString("id"), after.getString("id"));
    if (!sameJob) {
      events.add(moveEvent("move-started", after, "started at " + after.getValue("rate") + "/s"));
    }
    boolean endedNow = !MoveProgress.RUNNING.equals(after.getString("state"))
        && (!sameJob || MoveProgress.RUNNING.equals(before.getString("state")));
    if (endedNow) {
      events.add(moveEvent("move-finished", after, after.getString("state") + ": " + after.getLong("done", 0L)
          + " client(s) moved, " + after.getLong("remaining", 0L) + " left"));
    }
    return events;
  }

  /** This node merged back after a split; {@code dropped} lists what of its copy the tier's state replaced. */
  static JsonObject mergedBackEvent(MergedBack merged) {
    String text = merged.dropped().isEmpty()
        ? "this node merged back into the tier after a split and lost nothing it held"
        : "this node merged back into the tier after a split; the tier's state won and " + merged.dropped().size()
            + " of this node's entries were dropped: " + String.join("; ", merged.dropped());
    return event("merged-back", text)
        .put("dropped", new JsonArray(merged.dropped()))
        .put("stickyBefore", merged.stickyBefore())
        .put("stickyNow", merged.stickyNow());
  }

  private static JsonObject moveEvent(String type, JsonObject job, String how) {
    String broker = job.getString("broker");
    return event(type, job.getString("kind") + (broker == null ? "" : " of " + broker) + " " + how)
        .put("move", job.getString("id")).put("kind", job.getString("kind")).put("broker", broker)
        .put("state", job.getString("state"));
  }

  private static JsonObject event(String type, String text) {
    return new JsonObject().put("type", type).put("text", text);
  }
}
