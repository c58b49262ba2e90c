package io.mqttlb.cluster;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * On a failed test, prints where the tier's node logs are (with their last lines) and keeps the
 * tier's directory, so that a failure in another JVM can be diagnosed.
 */
final class KeepLogsOnFailure implements TestWatcher {
  private final Supplier<ClusterTier> tier;

  KeepLogsOnFailure(Supplier<ClusterTier> tier) {
    this.tier = tier;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    ClusterTier current = tier.get();
    if (current != null) {
      current.keepFiles();
      System.err.println(context.getDisplayName() + " failed; " + current.describeLogs());
    }
  }
}
