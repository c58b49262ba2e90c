package io.mqttlb.proxy;

import io.mqttlb.cluster.TierState;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.health.ProbeTrigger;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.mqtt.ConnectParser;
import io.mqttlb.routing.Router;
import io.mqttlb.tls.BrokerTlsContexts;
import java.util.concurrent.ForkJoinPool;

/**
 * What every listener of a node shares: the router, the limits, the metrics, the node's broker
 * suspicions, the tier's shared state (for sticky writes), the node's health checks (a failed relay
 * connect asks for a check at once), the registry of relayed clients (for move jobs), the relay
 * loop guard, the TLS contexts of brokers that want TLS (shared with the health checks), the
 * per-source-address limits and the admission control of brokers with a connect-rate cap. All
 * members are thread-safe.
 */
public record ProxyRuntime(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion,
                           TierState state, ConnectParser parser, ProbeTrigger probes, RelayRegistry relays,
                           LoopGuard loops, BrokerTlsContexts brokerTls, SourceAddressGate sources,
                           BrokerAdmission admission) {

  public static ProxyRuntime of(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion,
                                TierState state) {
    return of(router, limits, metrics, suspicion, state, ProbeTrigger.NONE, new RelayRegistry(),
        new BrokerTlsContexts(ForkJoinPool.commonPool()));
  }

  /**
   * A node's runtime: the admission control follows {@code state}'s broker set and membership from
   * now on (when there is a state: tests of a pipeline alone run without).
   */

  public static ProxyRuntime of(Router router, LimitsConfig limits, Metrics metrics, BrokerSuspicion suspicion,
                                TierState state, ProbeTrigger probes, RelayRegistry relays,
                                BrokerTlsContexts brokerTls) {
    BrokerAdmission admission = new BrokerAdmission(limits.admission(), metrics);
    if (state != null) {
      Runnable update = () -> admission.update(state.brokers(), state.members().size());
      state.onRoutingChange(update);
      state.onMembersChange(update);
      update.run();
    }
    return new ProxyRuntime(router, limits, metrics, suspicion, state, new ConnectParser(limits.maxConnectBytes()),
        probes, relays, new LoopGuard(metrics), brokerTls, new SourceAddressGate(limits.perSourceAddress()), admission);
  }
}
