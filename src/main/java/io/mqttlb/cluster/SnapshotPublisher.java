package io.mqttlb.cluster;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.RoutingMode;
import io.mqttlb.routing.RoutingSnapshot;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's routing snapshot in step with the shared state. Hazelcast's listener threads only
 * ask for a rebuild; the rebuild runs on a Vert.x worker after a short delay that folds a burst of
 * changes (an operator script adding ten brokers) into one new snapshot, then publishes it with a
 * single atomic write that event loops read.
 */
public final class SnapshotPublisher {
  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);
  /** Changes arriving within this many milliseconds of each other make one snapshot. */
  static final long COALESCE_MILLIS = 10;

  private final Vertx vertx;
  private final TierState state;
  private final int virtualNodes;
  private final AtomicReference<RoutingSnapshot> current;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final List<BiConsumer<RoutingSnapshot, RoutingSnapshot>> publishListeners = new CopyOnWriteArrayList<>();

  public SnapshotPublisher(Vertx vertx, TierState state, int virtualNodes) {
    this.vertx = vertx;
    this.state = state;
    this.virtualNodes = virtualNodes;
    this.current = new AtomicReference<>(RoutingSnapshot.of(1, state.mode(), state.brokers(), virtualNodes,
        state.drained()));
  }

  /** Starts following the shared state. */
  public void start() {
    state.onRoutingChange(this::requestRebuild);
    requestRebuild(); // a change may have landed between the first snapshot and the listener
  }

  /**
   * Runs {@code listener} with the previous and the new snapshot after each publication, on the
   * thread that rebuilt (a worker), one publication at a time; it must not block.
   */
  public void onPublish(BiConsumer<RoutingSnapshot, RoutingSnapshot> listener) {
    publishListeners.add(listener);
  }

  public RoutingSnapshot current() {
    return current.get();
  }

  /** Callable from any thread, any number of times: at most one rebuild is pending. */
  public void requestRebuild() {
    if (scheduled.compareAndSet(false, true)) {
      vertx.setTimer(COALESCE_MILLIS, id -> vertx.executeBlocking(() -> {
        rebuild();
        return null;
      }, false));
    }
  }

  /**
   * Rebuilds now, on the caller's thread, when the broker set, the mode or the drained set differ from the current
   * snapshot. Reads the shared state: call off the event loop.
   */
  public synchronized void rebuild() {
    scheduled.set(false); // a change from now on schedules another rebuild
    RoutingMode mode = state.mode();
    List<BrokerConfig> brokers = state.brokers();
    Set<String> drained = new TreeSet<>(state.drained());
    drained.retainAll(brokers.stream().map(BrokerConfig::id).toList()); // a snapshot keeps only its brokers' flags
    RoutingSnapshot old = current.get();
    if (old.mode() == mode && old.brokers().equals(brokers) && old.drained().equals(drained)) {
      return;
    }
    RoutingSnapshot next = RoutingSnapshot.of(old.epoch() + 1, mode, brokers, virtualNodes, drained);
    current.set(next);
    log.info("routing epoch {}: mode {}, brokers {}, drained {}", next.epoch(), mode.label(),
        brokers.stream().map(b -> b.id() + "=" + b.address() + "×" + b.weight()).toList(), next.drained());
    publishListeners.forEach(listener -> listener.accept(old, next));
  }
}
