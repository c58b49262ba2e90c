package io.mqttlb.loadtest;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/** What every virtual user of one run shares. Thread-safe. */
interface RunContext {
  List<Target> targets();

  /** null: no stickiness measurement. */
  String markerTopic();

  /** How long a user waits for its marker or connection event after a CONNACK. */
  Duration markerWait();

  StickinessMethod stickiness();

  /** What the event monitor heard (used by {@link StickinessMethod#CONNECTION_EVENTS}). */
  ConnectionEvents connectionEvents();

  /** A warning about the whole run, given once however often it is raised. */
  void warn(String text);

  /** How users reach {@code targets().get(index)}: built once per run, shared by its users. */
  MqttClientTransportConfig transport(int index);

  RunStats stats();

  ConnectGate gate();

  ScheduledExecutorService pool();

  MqttClientExecutorConfig clientExecutors();

  /** Microseconds on the run's clock, as written into payloads. */
  long nowMicros();

  /** A simulation duration in nanoseconds, multiplied by the run's duration scale. */
  long scaled(long nanos);

  /** Runs after the delay (not scaled). */
  void scheduleNanos(long nanos, Runnable task);

  default void schedule(Duration delay, Runnable task) {
    scheduleNanos(delay.toNanos(), task);
  }

  /** A DISCONNECT the run waits for (briefly) before it closes. */
  void track(CompletableFuture<?> closing);

  void engineError(String clientId, Throwable error);
}
