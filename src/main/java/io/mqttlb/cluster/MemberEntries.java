package io.mqttlb.cluster;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the tier's per-member maps have in common (this node's connection counts, its health
 * observations): each node writes only its own entries into a shared map and derives a view from
 * the entries of every live member. This class keeps the order and the timing; its owner says what
 * to write and what to compute.
 * <ul>
 *   <li>Every write of the owner's and every recomputation runs on one background thread of this
 *       object, in the order asked for (a newer entry of this node's is never overwritten by an older
 *       one), never on an event loop.
 *   <li>A change of the map or of the membership asks for a recomputation; a burst of them folds
 *       into one.
 *   <li>After a change of the membership and after this node merged back into the cluster, the
 *       owner writes its entries again, since the merged map may hold an older entry of this node's
 *       (the entry written last wins a merge) or none, and then recomputes.
 * </ul>
 * Thread-safe.
 */
public final class MemberEntries implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MemberEntries.class);

  private final String what;
  private final StateStore store;
  private final SharedMap map;
  private final Runnable writeAgain;
  private final Runnable recompute;
  private final ScheduledExecutorService background;
  private final AtomicBoolean recomputeScheduled = new AtomicBoolean();

  /**
   * @param what the entries in a few words, for the background thread's name and the log
   * @param map the map {@link #open} opened
   * @param writeAgain writes this node's current entries, whether or not they changed
   * @param recompute derives the owner's view from the map and {@link StateStore#members()}
   */
  public MemberEntries(String what, String nodeId, StateStore store, SharedMap map, Runnable writeAgain,
                       Runnable recompute) {
    this.what = what;
    this.store = store;
    this.map = map;
    this.writeAgain = writeAgain;
    this.recompute = recompute;
    this.background = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mqttlb-" + what + "-" + nodeId);
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Opens a shared map and waits for its local copy. Blocks (a joining Hazelcast member's first read
   * waits for the full copy): call off the event loop.
   */
  public static SharedMap open(StateStore store, String name) {
    SharedMap map = store.map(name);
    map.size();
    return map;
  }

  /** Starts following the map and the membership, and asks for the first recomputation. */
  public void start() {
    map.onChange(this::requestRecompute);
    store.onMembersChange(this::writeAgainAndRecompute);
    store.onClusterMerge(() -> { }, this::writeAgainAndRecompute);
    requestRecompute();
  }

  /** Asks for a recomputation; bursts of requests fold into one. Callable from any thread. */
  public void requestRecompute() {
    if (recomputeScheduled.compareAndSet(false, true)) {
      inBackground(() -> {
        recomputeScheduled.set(false); // a change from now on schedules another pass
        recompute.run();
      });
    }
  }

  /** Runs {@code task} on the background thread, after the tasks asked for before it. Callable from any thread. */
  public void inBackground(Runnable task) {
    try {
      background.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("{}: {}", what, e.toString());
        }
      });
    } catch (RejectedExecutionException closed) {
      // stopping: this node's entries no longer matter once it leaves the tier
    }
  }

  /** Runs {@code task} on the background thread now and then every {@code periodMillis} until {@link #close}. */
  public void every(long periodMillis, Runnable task) {
    background.scheduleWithFixedDelay(task, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  private void writeAgainAndRecompute() {
    inBackground(writeAgain);
    requestRecompute();
  }

  /** Stops the background thread after the writes and recomputations already asked for; periodic tasks end. */
  @Override
  public void close() {
    background.shutdown();
    try {
      background.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
