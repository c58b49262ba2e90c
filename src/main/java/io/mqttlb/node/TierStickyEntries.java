package io.mqttlb.node;

import io.mqttlb.cluster.StickyEvent;
import io.mqttlb.cluster.TierState;
import io.mqttlb.proxy.StickyEntries;
import java.time.Duration;

/**
 * The data plane's sticky entries written into the tier's shared state: each relay event becomes the
 * {@link StickyEvent} that says how much life an existing entry needs for its write to be skipped.
 * Lives here, where the node wires the data plane to the cluster, so that neither names the other.
 */
record TierStickyEntries(TierState state) implements StickyEntries {
  @Override
  public void connected(String key, String broker) {
    state.recordSticky(key, broker, StickyEvent.CONNECTED);
  }

  @Override
  public void stillConnected(String key, String broker) {
    state.recordSticky(key, broker, StickyEvent.STILL_CONNECTED);
  }

  @Override
  public void disconnected(String key, String broker) {
    state.recordSticky(key, broker, StickyEvent.DISCONNECTED);
  }

  @Override
  public Duration refreshInterval() {
    return state.stickyRefreshInterval();
  }
}
