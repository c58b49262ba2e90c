package io.mqttlb.health;

import io.mqttlb.config.HealthProbeKind;
import io.mqttlb.config.ProxyProtocol;
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
   * Checks the broker at {@code host:port}.
   *
   * @param proxyHeader the PROXY protocol version the broker expects: the probe's connection starts
   *     with the header a health check sends ({@link ProbeProxyHeader}), as relayed connections start with theirs
   */
  Future<Void> check(String host, int port, ProxyProtocol proxyHeader);

  /** Checks a broker that expects no PROXY protocol header. */
  default Future<Void> check(String host, int port) {
    return check(host, port, ProxyProtocol.NONE);
  }

  /**
   * The probe of this kind.
   *
   * @param client a client whose connect timeout is at most {@code timeout}
   * @param clientId the MQTT client id of the probe; unique per node, so that two nodes' probes do
   *     not take each other's session over
   */
  static Probe of(HealthProbeKind kind, Vertx vertx, NetClient client, String clientId, Duration timeout) {
    return switch (kind) {
      case MQTT -> new MqttProbe(vertx, client, clientId, timeout);
      case TCP -> new TcpProbe(vertx, client, timeout);
    };
  }
}
