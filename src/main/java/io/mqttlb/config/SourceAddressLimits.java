package io.mqttlb.config;

/**
 * Per-node limits on the clients of one source address (the PROXY header's address when a listener
 * accepts one): at most {@code maxConnections} open at once, at most {@code connectRate} new ones a
 * second (a burst of one second's worth is allowed). 0 turns a limit off, and both are off by
 * default: many devices can share one NAT or carrier-grade NAT address, and a limit would refuse
 * all but the first few of them.
 */
public record SourceAddressLimits(int maxConnections, int connectRate) {
  public static final int OFF = 0;
  public static final SourceAddressLimits NONE = new SourceAddressLimits(OFF, OFF);

  public SourceAddressLimits {
    Require.atLeast("maxConnections", maxConnections, OFF);
    Require.atLeast("connectRate", connectRate, OFF);
  }

  /** Whether either limit is on, so that the accept path must count addresses at all. */
  public boolean any() {
    return maxConnections > OFF || connectRate > OFF;
  }
}
