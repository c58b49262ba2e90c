package io.mqttlb.proxy;

import java.time.Duration;

/**
 * Where the data plane records which broker a relayed client's key went to: table mode's sticky
 * entries, which send the client back to the same broker when it reconnects through any node. The
 * data plane says only what happened to the relay; how an entry is written, batched or skipped is
 * the implementer's business. The node adapts the tier's shared state to this interface, so the data
 * plane names nothing of the cluster. Calls come from event loops: they must not block.
 */
public interface StickyEntries {
  /** Records nothing: for a pipeline run without a tier. */
  StickyEntries NONE = new StickyEntries() {
    @Override
    public void connected(String key, String broker) {
    }

    @Override
    public void stillConnected(String key, String broker) {
    }

    @Override
    public void disconnected(String key, String broker) {
    }

    @Override
    public Duration refreshInterval() {
      return Duration.ofMinutes(10); // nothing to refresh: any interval does, a long one costs the least
    }
  };

  /** The relay of the key's client to the broker started. */
  void connected(String key, String broker);

  /** The key's client still relays to the broker: its entry must outlive the next refresh. */
  void stillConnected(String key, String broker);

  /** The relay ended: from now on the entry must live a full TTL. */
  void disconnected(String key, String broker);

  /** How often the entries of connected clients are refreshed ({@link #stillConnected}), so that none expires while its client relays. */
  Duration refreshInterval();
}
