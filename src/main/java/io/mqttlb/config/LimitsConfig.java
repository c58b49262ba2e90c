package io.mqttlb.config;

import java.time.Duration;

/**
 * Per-node protections; {@code perSourceAddress} applies to every listener of the node, {@code admission}
 * to the connects towards brokers with a connect-rate cap.
 */
public record LimitsConfig(Duration connectTimeout, int maxConnectBytes, int maxConnections, Duration backendConnectTimeout,
                           SourceAddressLimits perSourceAddress, AdmissionLimits admission) {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_CONNECT_BYTES = 65_536;
  /** Room for the smallest CONNECT: fixed header, protocol name and level, flags, keep-alive, empty id. */
  public static final int MIN_MAX_CONNECT_BYTES = 16;
  public static final int DEFAULT_MAX_CONNECTIONS = 200_000;
  public static final int MIN_MAX_CONNECTIONS = 1;
  public static final Duration DEFAULT_BACKEND_CONNECT_TIMEOUT = Duration.ofSeconds(3);

  public LimitsConfig {
    Require.positive("connectTimeout", connectTimeout);
    Require.atLeast("maxConnectBytes", maxConnectBytes, MIN_MAX_CONNECT_BYTES);
    Require.atLeast("maxConnections", maxConnections, MIN_MAX_CONNECTIONS);
    Require.positive("backendConnectTimeout", backendConnectTimeout);
    Require.nonNull("perSourceAddress", perSourceAddress);
    Require.nonNull("admission", admission);
  }

  /** Without admission control of its own (brokers' own caps still apply, with the default queue and wait). */
  public LimitsConfig(Duration connectTimeout, int maxConnectBytes, int maxConnections, Duration backendConnectTimeout,
                      SourceAddressLimits perSourceAddress) {
    this(connectTimeout, maxConnectBytes, maxConnections, backendConnectTimeout, perSourceAddress,
        AdmissionLimits.DEFAULTS);
  }

  /** Without per-source-address limits. */
  public LimitsConfig(Duration connectTimeout, int maxConnectBytes, int maxConnections, Duration backendConnectTimeout) {
    this(connectTimeout, maxConnectBytes, maxConnections, backendConnectTimeout, SourceAddressLimits.NONE);
  }

  public LimitsConfig withPerSourceAddress(SourceAddressLimits limits) {
    return new LimitsConfig(connectTimeout, maxConnectBytes, maxConnections, backendConnectTimeout, limits, admission);
  }

  public LimitsConfig withAdmission(AdmissionLimits limits) {
    return new LimitsConfig(connectTimeout, maxConnectBytes, maxConnections, backendConnectTimeout, perSourceAddress,
        limits);
  }

  public static LimitsConfig defaults() {
    return new LimitsConfig(DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECT_BYTES, DEFAULT_MAX_CONNECTIONS,
        DEFAULT_BACKEND_CONNECT_TIMEOUT);
  }
}
