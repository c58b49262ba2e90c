package io.mqttlb.config;

import java.time.Duration;

/**
 * How brokers are picked. {@code stickyTtl} and {@code maxEntries} are the
 * {@code routing.table} keys: they only matter in {@link RoutingMode#TABLE} mode. {@code cleanSessions} says how
 * clients that keep no session are routed; unlike the mode it is each node's own setting, not the tier's.
 */
public record RoutingConfig(RoutingMode mode, KeyField key, int virtualNodes, Duration stickyTtl, long maxEntries,
                            CleanSessionRouting cleanSessions) {
  public static final RoutingMode DEFAULT_MODE = RoutingMode.HASH;
  public static final KeyField DEFAULT_KEY = KeyField.CLIENT_ID;
  public static final int DEFAULT_VIRTUAL_NODES = 160;
  public static final int MIN_VIRTUAL_NODES = 1;
  public static final int MAX_VIRTUAL_NODES = 10_000;
  public static final Duration DEFAULT_STICKY_TTL = Duration.ofMinutes(30);
  public static final long DEFAULT_MAX_ENTRIES = 1_000_000;
  public static final long MIN_MAX_ENTRIES = 1;
  public static final CleanSessionRouting DEFAULT_CLEAN_SESSIONS = CleanSessionRouting.RING;

  public RoutingConfig {
    Require.nonNull("mode", mode);
    Require.nonNull("key", key);
    Require.inRange("virtualNodes", virtualNodes, MIN_VIRTUAL_NODES, MAX_VIRTUAL_NODES);
    Require.positive("stickyTtl", stickyTtl);
    Require.atLeast("maxEntries", maxEntries, MIN_MAX_ENTRIES);
    Require.nonNull("cleanSessions", cleanSessions);
  }

  /** Clean-session clients routed by the ring, as every other client. */
  public RoutingConfig(RoutingMode mode, KeyField key, int virtualNodes, Duration stickyTtl, long maxEntries) {
    this(mode, key, virtualNodes, stickyTtl, maxEntries, DEFAULT_CLEAN_SESSIONS);
  }

  public static RoutingConfig defaults() {
    return new RoutingConfig(DEFAULT_MODE, DEFAULT_KEY, DEFAULT_VIRTUAL_NODES, DEFAULT_STICKY_TTL, DEFAULT_MAX_ENTRIES);
  }

  public RoutingConfig withMode(RoutingMode mode) {
    return new RoutingConfig(mode, key, virtualNodes, stickyTtl, maxEntries, cleanSessions);
  }

  public RoutingConfig withKey(KeyField key) {
    return new RoutingConfig(mode, key, virtualNodes, stickyTtl, maxEntries, cleanSessions);
  }

  public RoutingConfig withCleanSessions(CleanSessionRouting cleanSessions) {
    return new RoutingConfig(mode, key, virtualNodes, stickyTtl, maxEntries, cleanSessions);
  }

  public RoutingConfig withTable(Duration stickyTtl, long maxEntries) {
    return new RoutingConfig(mode, key, virtualNodes, stickyTtl, maxEntries, cleanSessions);
  }
}
