package io.mqttlb.cluster;

import java.time.Duration;

/**
 * Why a node records a sticky entry. Each event says how much life an entry that already names the
 * same broker must have left for the write to be skipped: writes cost a cluster round trip and
 * several kilobytes, and most of them would change nothing but the expiry by a few seconds.
 */
public enum StickyEvent {
  /** The relay to the broker started. */
  CONNECTED,
  /** The periodic refresh of a client that is still connected. */
  STILL_CONNECTED,
  /** The relay ended: from now on the entry must live a full TTL. */
  DISCONNECTED;

  /**
   * The remaining life that makes a write unnecessary. A connected client's entry must outlive the
   * next periodic refresh, with a second to spare; after a disconnect it must live a full TTL, give
   * or take 1% (a client that connected and left within 18 s of a 30m TTL costs one write, not two).
   */
  long minRemainingMillis(Duration ttl, Duration refreshInterval) {
    return this == DISCONNECTED
        ? ttl.toMillis() - ttl.toMillis() / 100
        : refreshInterval.toMillis() + 1000;
  }
}
