package io.mqttlb.testing;

import java.lang.ref.WeakReference;
import java.time.Duration;

/**
 * A garbage collection a test can rely on. {@code System.gc()} is only a request (a JVM started with
 * {@code -XX:+DisableExplicitGC} ignores it), so a test that checks what survives a collection
 * would pass without one. This waits until an object that nothing refers to has been collected, and
 * fails the test if none was.
 */
public final class GarbageCollection {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private GarbageCollection() {
  }

  /**
   * Returns once a collection after this call has cleared a weak reference: whatever was only
   * weakly reachable when it was called is gone too. Call it after creating the objects in question.
   */
  public static void collect() throws InterruptedException {
    WeakReference<Object> canary = new WeakReference<>(new Object());
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (canary.get() != null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no garbage collection within " + TIMEOUT + " cleared an unreachable object");
      }
      System.gc();
      // Garbage too, so that a collection comes even where the request above is ignored.
      byte[][] garbage = new byte[64][];
      for (int i = 0; i < garbage.length; i++) {
        garbage[i] = new byte[64 * 1024];
      }
      Thread.sleep(10);
    }
  }
}
