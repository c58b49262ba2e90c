/**
 * The MQTT knowledge the balancer needs before it picks a broker: a pure, allocation-light parser for the first
 * packet of a connection ({@link io.mqttlb.mqtt.ConnectParser}) and the CONNACK bytes used to refuse it
 * ({@link io.mqttlb.mqtt.Connack}).
 *
 * <p>Nothing here imports Vert.x, Netty, Hazelcast or Micrometer, so the package can be property-tested, fuzzed and
 * benchmarked alone. Spec references: "3.1.1 §x" is OASIS MQTT Version 3.1.1, "MQTT 5 §x" is OASIS MQTT Version 5.0,
 * and MQTT 3.1 is IBM's "MQIsdp" specification, which 3.1.1 replaced.
 */
package io.mqttlb.mqtt;
