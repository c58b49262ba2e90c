package io.mqttlb.health;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.tls.BrokerTlsContexts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.time.Duration;

/**
 * One health check of a broker: the future succeeds when the broker is up and fails, with the
 * reason as its message, when it is not. A check always ends within its timeout. Call on the
 * context that owns the {@link NetClient}; the future completes there.
 */
public interface Probe {
  /**
   * Checks a broker the way relayed connections reach it: at its address; starting with the header
   * a health check sends ({@link ProbeProxyHeader}) when it expects a PROXY header; and over TLS,
   * after that header, when it has TLS settings (a handshake that fails makes it down, see
   * {@link ProbeTls}).
   */
  Future<Void> check(BrokerConfig broker);

  /** Checks the broker at {@code host:port}, over plain TCP, with the PROXY protocol version it expects. */
  default Future<Void> check(String host, int port, ProxyProtocol proxyHeader) {
    return check(new BrokerConfig("probed", host, port, BrokerConfig.DEFAULT_WEIGHT, proxyHeader));
  }

  /** Checks a broker that expects no PROXY protocol header, over plain TCP. */
  default Future<Void> check(String host, int port) {
    return check(host, port, ProxyProtocol.NONE);
  }

  /** As the other {@code of}, with TLS contexts of its own and no metrics. */
  static Probe of(HealthProbeKind kind, Vertx vertx, NetClient client, String clientId, Duration timeout) {
    BrokerTlsContexts contexts = new BrokerTlsContexts(task -> vertx.executeBlocking(() -> {
      task.run();
      return null;
    }, false));
    return of(kind, vertx, client, clientId, timeout, contexts, null);
  }

  /**
   * The probe of this kind.
   *
   * @param client a client whose connect timeout is at most {@code timeout}
   * @param clientId the MQTT client id of the probe; unique per node, so that two nodes' probes do
   *     not take each other's session over
   * @param tls the node's TLS contexts of brokers, shared with relayed connections
   * @param metrics where failed TLS handshakes are counted; null for nowhere
   */
  static Probe of(HealthProbeKind kind, Vertx vertx, NetClient client, String clientId, Duration timeout,
                  BrokerTlsContexts tls, Metrics metrics) {
    ProbeTls probeTls = new ProbeTls(vertx, tls, metrics, timeout);
    return switch (kind) {
      case MQTT -> new MqttProbe(vertx, client, clientId, timeout, probeTls);
      case TCP -> new TcpProbe(vertx, client, timeout, probeTls);
    };
  }
}
