package io.mqttlb.mqtt;

/**
 * Why a first packet was refused. One enum, so that the mapping to "CONNACK then close" or "just close" lives in
 * one place ({@link Connack#forRejection}) and the metric label set is bounded.
 *
 * <p>Where MQTT 5 and 3.x classify the same defect differently, the reason follows the version's own text, so that
 * the MQTT 5 CONNACK carries the reason code the spec names: MQTT 5 calls a set reserved flag and a Will QoS of 3 a
 * Malformed Packet (MQTT 5 §3.1.2.3, §3.1.2.6), 3.1.1 calls them protocol violations.
 */
public enum RejectReason {
  /** The first byte is not 0x10 (CONNECT, flags 0): decided from byte one, so "GET " is refused at once. */
  NOT_CONNECT("not_connect"),
  /** The Remaining Length's fourth byte still has its continuation bit set (MQTT 5 §1.5.5, 3.1.1 §2.2.3). */
  MALFORMED_REMAINING_LENGTH("malformed_remaining_length"),
  /** Fixed header plus declared Remaining Length exceeds the limit; decided before any of the body arrives. */
  TOO_LARGE("too_large"),
  /** The protocol name is neither "MQTT" nor "MQIsdp"; decided at its first wrong byte. */
  BAD_PROTOCOL_NAME("bad_protocol_name"),
  /** The level is not 3, 4 or 5, or does not go with the name ("MQIsdp" is 3 only, "MQTT" 4 or 5). */
  UNSUPPORTED_PROTOCOL_LEVEL("unsupported_protocol_level"),
  /**
   * Well-formed bytes that break a protocol rule: 3.x reserved flag or Will QoS 3, Will QoS or Retain without the
   * Will Flag, a 3.x password without a user name, a repeated or out-of-range MQTT 5 property.
   */
  PROTOCOL_ERROR("protocol_error"),
  /**
   * A client identifier the spec obliges every server to refuse. Only those: what the spec leaves to the broker
   * (length, character set, MQTT 5 empty ids) is passed through for the broker to decide.
   */
  BAD_CLIENT_ID("bad_client_id"),
  /**
   * Bytes that do not decode: a field running past the Remaining Length or its property block, ill-formed UTF-8 or
   * U+0000, an unknown or misplaced MQTT 5 property, bytes left over after the last field.
   */
  MALFORMED("malformed");

  private final String metricLabel;

  RejectReason(String metricLabel) {
    this.metricLabel = metricLabel;
  }

  /** Stable lowercase tag value for metrics; spelled out per constant so that renaming a constant cannot move it. */
  public String metricLabel() {
    return metricLabel;
  }
}
