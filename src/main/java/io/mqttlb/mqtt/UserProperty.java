package io.mqttlb.mqtt;

import java.util.Objects;

/** One MQTT 5 User Property (MQTT 5 §3.1.2.11.8): a UTF-8 string pair; names may repeat. */
public record UserProperty(String name, String value) {
  public UserProperty {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
