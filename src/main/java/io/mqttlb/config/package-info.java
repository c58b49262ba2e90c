/**
 * The node configuration: immutable, validated records and the YAML loader.
 *
 * <p>Pure: imports nothing from Vert.x, Hazelcast or Micrometer. {@link io.mqttlb.config.ConfigLoader}
 * turns a file into a {@link io.mqttlb.config.NodeConfig} or one one-line
 * {@link io.mqttlb.config.ConfigException}; the records check their own fields, so a value built in
 * code (the admin API, tests) is held to the same rules as one read from a file.
 *
 * <p>{@link io.mqttlb.config.YamlDocument}, {@link io.mqttlb.config.YamlValue} and
 * {@link io.mqttlb.config.YamlMapping} are the YAML layer every mqttlb file is read through: the
 * load-test simulations use it too, for one set of rules and one error form.
 */
package io.mqttlb.config;
