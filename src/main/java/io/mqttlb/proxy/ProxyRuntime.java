package io.mqttlb.proxy;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.mqtt.ConnectParser;
import io.mqttlb.routing.Router;
import io.mqttlb.tls.BrokerTlsContexts;
import java.util.Collection;
import java.util.concurrent.ForkJoinPool;

/**
 * What every listener of a node shares. The node supplies the router, the limits, the metrics, its
 * broker suspicions (which the router reads too), the TLS contexts of brokers that want TLS (shared
 * with the health checks) and two links to the control plane, each a narrow interface this package
 * owns: where sticky entries go ({@link StickyEntries}) and who checks a broker at once after a
 * failed relay connect ({@link ProbeTrigger}). The rest the data plane builds for itself, once per
 * node: the CONNECT parser, the relay loop guard, the per-source-address limits, the admission
 * control of brokers with a connect-rate cap and the registry of relayed clients.
 *
 * <p>Towards the control plane it offers two things: the relayed clients, for move jobs
 * ({@link #movableClients}), and {@link #updateAdmission}, which the node calls whenever the tier's
 * broker set or membership changes. Nothing here names the cluster or the health checks. Every part
 * is thread-safe.
 */
public final class ProxyRuntime {
  private final Router router;
  private final LimitsConfig limits;
  private final Metrics metrics;
  private final BrokerSuspicion suspicion;
  private final StickyEntries sticky;
  private final ProbeTrigger probes;
  private final BrokerTlsContexts brokerTls;
  private final ConnectParser parser;
  private final LoopGuard loops;
  private final SourceAddressGate sources;
  private final BrokerAdmission admission;
  private final RelayRegistry relays = new RelayRegistry();

  private ProxyRuntime(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion,
                       StickyEntries sticky, ProbeTrigger probes, BrokerTlsContexts brokerTls) {
    this.router = router;
    this.limits = limits;
    this.metrics = metrics;
    this.suspicion = suspicion;
    this.sticky = sticky;
    this.probes = probes;
    this.brokerTls = brokerTls;
    this.parser = new ConnectParser(limits.maxConnectBytes());
    this.loops = new LoopGuard(metrics);
    this.sources = new SourceAddressGate(limits.perSourceAddress());
    this.admission = new BrokerAdmission(limits.admission(), metrics);
  }

  /**
   * A runtime for a pipeline run alone: no sticky entries, no health checks, no broker caps (its
   * admission control is never told of a broker).
   */
  public static ProxyRuntime of(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion) {
    return of(router, limits, metrics, suspicion, StickyEntries.NONE, ProbeTrigger.NONE,
        new BrokerTlsContexts(ForkJoinPool.commonPool()));
  }

  /** A node's runtime; its admission control knows of no broker until {@link #updateAdmission}. */
  public static ProxyRuntime of(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion,
                                StickyEntries sticky, ProbeTrigger probes, BrokerTlsContexts brokerTls) {
    return new ProxyRuntime(router, limits, metrics, suspicion, sticky, probes, brokerTls);
  }

  /** The node's relayed clients, across every listener and event loop, for move jobs and what-if predictions. */
  public MovableClients movableClients() {
    return relays;
  }

  /**
   * Tells the admission control the tier's broker set and how many members are live (each node paces
   * its share of a broker's cap). Call it at start and after every change of either, on a control thread.
   */
  public void updateAdmission(Collection<BrokerConfig> brokers, int liveMembers) {
    admission.update(brokers, liveMembers);
  }

  Router router() {
    return router;
  }

  LimitsConfig limits() {
    return limits;
  }

  Metrics metrics() {
    return metrics;
  }

  BrokerSuspicion suspicion() {
    return suspicion;
  }

  StickyEntries sticky() {
    return sticky;
  }

  ProbeTrigger probes() {
    return probes;
  }

  BrokerTlsContexts brokerTls() {
    return brokerTls;
  }

  ConnectParser parser() {
    return parser;
  }

  LoopGuard loops() {
    return loops;
  }

  SourceAddressGate sources() {
    return sources;
  }

  BrokerAdmission admission() {
    return admission;
  }

  RelayRegistry relays() {
    return relays;
  }
}
