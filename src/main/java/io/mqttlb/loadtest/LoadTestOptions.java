package io.mqttlb.loadtest;

import io.mqttlb.config.CaFile;
import io.mqttlb.loadtest.soak.SoakMonitor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** How to run a simulation. Defaults are the named constants; setters validate and name the field. */
public final class LoadTestOptions {
  public static final double DEFAULT_DURATION_SCALE = 1.0;
  /** How long users may still run after the last injection profile has ended. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CONNECTS_IN_FLIGHT = 500;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MARKER_WAIT = Duration.ofSeconds(5);
  public static final Duration CONSOLE_INTERVAL = Duration.ofSeconds(5);

  private List<Target> targets;
  private Map<String, Target> brokers = Map.of();
  private double durationScale = DEFAULT_DURATION_SCALE;
  private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
  private int maxConnectsInFlight = DEFAULT_MAX_CONNECTS_IN_FLIGHT;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration markerWait = DEFAULT_MARKER_WAIT;
  private StickinessMethod stickiness = StickinessMethod.MARKERS;
  private Consumer<String> console;
  private Path caFile;
  private List<URI> nodesAdmin = List.of();
  private String adminToken;
  private Duration sampleInterval = SoakMonitor.DEFAULT_SAMPLE_INTERVAL;

  /** null: the simulation's own targets. */
  public LoadTestOptions setTargets(List<Target> targets) {
    if (targets != null && targets.isEmpty()) {
      throw new IllegalArgumentException("targets must not be empty");
    }
    this.targets = targets == null ? null : List.copyOf(targets);
    return this;
  }

  /**
   * The brokers behind the targets (id → address, each reached directly): the run publishes their
   * retained markers first ({@link StickinessMethod#MARKERS}) or listens to their connection events
   * ({@link StickinessMethod#CONNECTION_EVENTS}).
   */
  public LoadTestOptions setBrokers(Map<String, Target> brokers) {
    this.brokers = new LinkedHashMap<>(brokers);
    return this;
  }

  /** Multiplies every duration of the simulation (injection, pauses, expect windows). */
  public LoadTestOptions setDurationScale(double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("durationScale (" + scale + ") must be a positive number");
    }
    this.durationScale = scale;
    return this;
  }

  public LoadTestOptions setDrainTimeout(Duration drainTimeout) {
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout (" + drainTimeout + ") must not be negative");
    }
    this.drainTimeout = drainTimeout;
    return this;
  }

  public LoadTestOptions setMaxConnectsInFlight(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxConnectsInFlight (" + max + ") must be at least 1");
    }
    this.maxConnectsInFlight = max;
    return this;
  }

  public LoadTestOptions setConnectTimeout(Duration connectTimeout) {
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout (" + connectTimeout + ") must be positive");
    }
    this.connectTimeout = connectTimeout;
    return this;
  }

  /** How reconnects are told sticky or moved (default: the brokers' retained markers). */
  public LoadTestOptions setStickiness(StickinessMethod method) {
    this.stickiness = java.util.Objects.requireNonNull(method, "stickiness");
    return this;
  }

  public StickinessMethod getStickiness() {
    return stickiness;
  }

  /** How long a user waits after a CONNACK for its broker's marker or connection event. */
  public LoadTestOptions setMarkerWait(Duration markerWait) {
    if (markerWait.isNegative()) {
      throw new IllegalArgumentException("markerWait (" + markerWait + ") must not be negative");
    }
    this.markerWait = markerWait;
    return this;
  }

  /**
   * The CA certificates (PEM) that TLS targets' certificates must chain to, instead of the
   * simulation's {@code caFile} or the JVM's default authorities; null for those. Certificates are
   * always verified, host name included.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  public LoadTestOptions setCaFile(Path caFile) {
    if (caFile != null) {
      CaFile.problem(caFile.toString()).ifPresent(problem -> {
        throw new IllegalArgumentException("caFile " + problem);
      });
    }
    this.caFile = caFile;
    return this;
  }

  /**
   * The tier nodes' admin API base URLs ({@code http://127.0.0.1:8081}): each node's resources are
   * sampled from its {@code /metrics} every {@link #setSampleInterval sample interval}, and the
   * simulation's tier operations go to the first that answers. Empty: neither.
   */
  public LoadTestOptions setNodesAdmin(List<URI> nodesAdmin) {
    for (URI uri : nodesAdmin) {
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("nodesAdmin (" + uri + ") must be an http:// or https:// URL with a host");
      }
    }
    this.nodesAdmin = List.copyOf(nodesAdmin);
    return this;
  }

  public List<URI> getNodesAdmin() {
    return nodesAdmin;
  }

  /** The admin API's bearer token, for the nodes that require one; null for none. */
  public LoadTestOptions setAdminToken(String adminToken) {
    this.adminToken = adminToken;
    return this;
  }

  public String getAdminToken() {
    return adminToken;
  }

  public LoadTestOptions setSampleInterval(Duration sampleInterval) {
    if (sampleInterval.isNegative() || sampleInterval.isZero()) {
      throw new IllegalArgumentException("sampleInterval (" + sampleInterval + ") must be positive");
    }
    this.sampleInterval = sampleInterval;
    return this;
  }

  public Duration getSampleInterval() {
    return sampleInterval;
  }

  public Path getCaFile() {
    return caFile;
  }

  /** Receives the progress line every 5 seconds (e.g. {@code System.out::println}); null for none. */
  public LoadTestOptions setConsole(Consumer<String> console) {
    this.console = console;
    return this;
  }

  public List<Target> getTargets() {
    return targets;
  }

  public Map<String, Target> getBrokers() {
    return brokers;
  }

  public double getDurationScale() {
    return durationScale;
  }

  public Duration getDrainTimeout() {
    return drainTimeout;
  }

  public int getMaxConnectsInFlight() {
    return maxConnectsInFlight;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public Duration getMarkerWait() {
    return markerWait;
  }

  public Consumer<String> getConsole() {
    return console;
  }
}
