package io.mqttlb.config;

/**
 * Whether a TLS listener asks clients for a certificate (mutual TLS): {@code none} does not ask,
 * {@code request} asks and verifies one if sent, {@code required} refuses a handshake without a valid one.
 */
public enum ClientAuth implements Labelled {
  NONE("none"),
  REQUEST("request"),
  REQUIRED("required");

  private final String label;

  ClientAuth(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  /** @throws IllegalArgumentException naming the text and the accepted labels */
  public static ClientAuth parse(String text) {
    return Labelled.parse(ClientAuth.class, text, "client authentication");
  }

  @Override
  public String toString() {
    return label;
  }
}
