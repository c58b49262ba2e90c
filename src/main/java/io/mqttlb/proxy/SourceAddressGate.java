package io.mqttlb.proxy;

import io.mqttlb.config.SourceAddressLimits;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The node's per-source-address limits ({@code limits.perSourceAddress}): how many clients of one
 * address may be open at once, and how many may connect per second (a token bucket per address
 * holding one second's worth, so a burst of {@code connectRate} passes, then {@code connectRate} a
 * second). Shared by every listener and event loop of the node, since SO_REUSEPORT spreads one
 * address's connections over all loops.
 *
 * <p>One entry per address that has clients open or has connected within about the last second:
 * an entry goes when its last client leaves and its bucket is full again, either then or at the
 * next {@link #sweep}. With both limits off nothing is counted and every call returns at once.
 *
 * <p>Thread-safe: each address's entry changes only inside {@link ConcurrentHashMap#compute}, which
 * runs one call per key at a time, so connects from different addresses never wait for each other.
 */
final class SourceAddressGate {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final SourceAddressLimits limits;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<InetAddress, Source> sources = new ConcurrentHashMap<>();

  SourceAddressGate(SourceAddressLimits limits) {
    this(limits, System::nanoTime);
  }

  SourceAddressGate(SourceAddressLimits limits, LongSupplier nanoClock) {
    this.limits = limits;
    this.nanoClock = nanoClock;
  }

  boolean enabled() {
    return limits.any();
  }

  /**
   * Counts a new client of {@code address} if both limits allow it; false when one refuses (then
   * nothing is counted, and no {@link #release} must follow).
   */
  boolean admit(InetAddress address) {
    if (!enabled()) {
      return true;
    }
    long now = nanoClock.getAsLong();
    // The verdict leaves the compute call in a local holder: another thread may change the entry right after.
    boolean[] verdict = new boolean[1];
    sources.compute(address, (key, existing) -> {
      Source entry = existing == null ? new Source(limits.connectRate(), now) : existing;
      verdict[0] = entry.tryAdmit(now, limits);
      return entry;
    });
    boolean admitted = verdict[0];
    if (!admitted) {
      // A refused first client of an address leaves an entry with nothing open: drop it if its bucket is full.
      sources.computeIfPresent(address, (key, entry) -> entry.idle(now, limits) ? null : entry);
    }
    return admitted;
  }

  /** A client that {@link #admit} counted has closed. */
  void release(InetAddress address) {
    if (!enabled()) {
      return;
    }
    long now = nanoClock.getAsLong();
    sources.computeIfPresent(address, (key, entry) -> {
      entry.open--;
      return entry.idle(now, limits) ? null : entry;
    });
  }

  /** Drops the entries of addresses with nothing open whose buckets have filled up since. */
  void sweep() {
    long now = nanoClock.getAsLong();
    for (InetAddress address : sources.keySet()) {
      sources.computeIfPresent(address, (key, entry) -> entry.idle(now, limits) ? null : entry);
    }
  }

  /** Addresses tracked now (for tests). */
  int tracked() {
    return sources.size();
  }

  /** One address's open clients and connect tokens; only touched inside the map's compute calls. */
  private static final class Source {
    int open;
    double tokens;
    long refilledAt;

    Source(int connectRate, long now) {
      this.tokens = connectRate;
      this.refilledAt = now;
    }

    boolean tryAdmit(long now, SourceAddressLimits limits) {
      if (limits.maxConnections() > 0 && open >= limits.maxConnections()) {
        return false;
      }
      if (limits.connectRate() > 0) {
        refill(now, limits.connectRate());
        if (tokens < 1) {
          return false;
        }
        tokens--;
      }
      open++;
      return true;
    }

    private void refill(long now, int rate) {
      long elapsed = now - refilledAt;
      if (elapsed > 0) {
        tokens = Math.min(rate, tokens + (double) elapsed * rate / NANOS_PER_SECOND);
        refilledAt = now;
      }
    }

    boolean idle(long now, SourceAddressLimits limits) {
      if (open > 0) {
        return false;
      }
      if (limits.connectRate() == 0) {
        return true;
      }
      refill(now, limits.connectRate());
      return tokens >= limits.connectRate();
    }
  }
}
