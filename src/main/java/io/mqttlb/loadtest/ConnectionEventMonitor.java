package io.mqttlb.loadtest;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The run's listeners for brokers' connection events: one MQTT 3.1.1 client per address (brokers
 * such as Aedes speak no MQTT 5), subscribed to each of {@link ConnectionEvents#FILTERS}, feeding
 * what it hears into a {@link ConnectionEvents}. Given the
 * brokers themselves, each reports its own clients; given one target, a clustered broker (EMQX
 * routes $SYS messages across its cluster) reports them all.
 */
final class ConnectionEventMonitor implements AutoCloseable {
  private final List<Mqtt3AsyncClient> clients = new ArrayList<>();

  private ConnectionEventMonitor() {}

  /**
   * Connected and subscribed to every address before it returns.
   *
   * @throws IllegalStateException naming the address that refused the connection or the subscription
   */
  static ConnectionEventMonitor start(Map<String, Target> addresses, ConnectionEvents events, MqttClientSslConfig tls,
      Duration timeout) {
    ConnectionEventMonitor monitor = new ConnectionEventMonitor();
    try {
      addresses.forEach((name, address) -> monitor.listen(name, address, events, tls, timeout));
      return monitor;
    } catch (RuntimeException e) {
      monitor.close();
      throw e;
    }
  }

  private void listen(String name, Target address, ConnectionEvents events, MqttClientSslConfig tls, Duration timeout) {
    Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier("mqttlb-loadtest-events-" + name)
        .transportConfig(ClientTransports.of(address, tls, timeout)).buildAsync();
    clients.add(client);
    client.publishes(MqttGlobalPublishFilter.ALL,
        p -> ConnectionEvents.parse(p.getTopic().toString(), p.getPayloadAsBytes()).ifPresent(events::accept));
    try {
      client.connect().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (String filter : ConnectionEvents.FILTERS) {
        var ack = client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_MOST_ONCE).send()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (ack.getReturnCodes().stream().anyMatch(Mqtt3SubAckReturnCode::isError)) {
          throw new IllegalStateException("the broker at " + address + " refused the subscription to " + filter
              + "; its authorization must let this client read $SYS");
        }
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen for connection events at " + address + ": "
          + (e.getCause() != null ? e.getCause() : e), e);
    }
  }

  @Override
  public void close() {
    clients.forEach(Mqtt3AsyncClient::disconnect);
  }
}
