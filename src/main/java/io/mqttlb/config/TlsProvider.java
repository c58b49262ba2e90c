package io.mqttlb.config;

/**
 * Which TLS implementation a listener uses: {@code openssl} is BoringSSL through netty-tcnative
 * (cheaper handshakes, less heap per connection), {@code jdk} the JDK's own engine, {@code auto}
 * OpenSSL when its native library loads on this machine and the JDK otherwise.
 */
public enum TlsProvider implements Labelled {
  AUTO("auto"),
  OPENSSL("openssl"),
  JDK("jdk");

  private final String label;

  TlsProvider(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  /** @throws IllegalArgumentException naming the text and the accepted labels */
  public static TlsProvider parse(String text) {
    return Labelled.parse(TlsProvider.class, text, "TLS provider");
  }

  @Override
  public String toString() {
    return label;
  }
}
