/**
 * The load-test tool behind {@code mqttlb loadtest}: a Gatling-shaped model and Java DSL
 * ({@link io.mqttlb.loadtest.Simulation}, {@link io.mqttlb.loadtest.Scenario}, {@link io.mqttlb.loadtest.Step},
 * {@link io.mqttlb.loadtest.Injection}, {@link io.mqttlb.loadtest.Assertion}), the YAML format that maps onto it one
 * to one ({@link io.mqttlb.loadtest.Simulation#fromYaml}), and the engine ({@link io.mqttlb.loadtest.LoadTest}).
 *
 * <p>Definitions of the measured values (summary.json and assertion metrics):
 * <ul>
 *   <li>{@code connack.*}: CONNECT sent to CONNACK received, every connect and reconnect.
 *   <li>{@code publish-to-receive.*}: the send time in a payload's first 8 bytes (microseconds on the run's
 *       clock) to its arrival at a subscriber of the same run.
 *   <li>{@code messages.received}: messages a subscriber got for the first time; {@code messages.duplicated}:
 *       ones it got again (a QoS &ge; 1 redelivery after a reconnect, told apart by the message id in payload
 *       bytes 8..15). Duplicates neither count as received nor satisfy an {@code expect}.
 *   <li>{@code messages.perSec}: messages received per second of the run (delivery throughput);
 *       {@code connects.perSec}: successful connects per second of the run.
 *   <li>{@code failures.percent}: failures / (connect attempts + publishes + subscribes + expects).
 *   <li>{@code delivery.lost}: messages an {@code expect} waited for in vain, for users holding a QoS &ge; 1
 *       subscription (QoS 0 may be dropped by design; its shortfall is only an {@code expect-timeout}).
 *   <li>{@code stickiness.*}: a reconnect whose broker can be compared with its previous connection's, by
 *       the run's {@link io.mqttlb.loadtest.StickinessMethod}, is sticky or moved; the others are not counted.
 *       Not measured (NaN, null in summary.json, an assertion on it fails) when none could be compared.
 *   <li>{@code brokers}: each user counted once, at the broker of its last connection; the series counts
 *       users connected per broker at each second.
 * </ul>
 *
 * Failure causes: {@code connect-timeout}, {@code connection-refused}, {@code connack-refused},
 * {@code connection-closed}, {@code connect-failed}, {@code connection-lost},
 * {@code marker-subscribe-failed}, {@code subscribe-failed}, {@code publish-failed}, {@code expect-timeout},
 * {@code not-connected}, {@code unfinished} (still running at the end of the drain time), {@code engine-error}.
 */
package io.mqttlb.loadtest;
