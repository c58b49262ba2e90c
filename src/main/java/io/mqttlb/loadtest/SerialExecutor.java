package io.mqttlb.loadtest;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time, in order, on a shared pool: a virtual user's state is touched only
 * from its own serial executor, so it needs no locks, and thousands of users share a few threads.
 */
final class SerialExecutor implements Executor {
  private final Executor pool;
  private final Consumer<Throwable> onError;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  SerialExecutor(Executor pool, Consumer<Throwable> onError) {
    this.pool = pool;
    this.onError = onError;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        pool.execute(this::drain);
      } catch (RuntimeException rejected) {
        // the pool is shutting down at the end of the run: the remaining tasks no longer matter
        scheduled.set(false);
      }
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (Throwable t) {
          onError.accept(t);
        }
      }
    } finally {
      scheduled.set(false);
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
