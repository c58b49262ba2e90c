package io.mqttlb.config;

/**
 * A listener's {@code tls} setting that cannot be used: a file that does not hold what its key says,
 * a key that does not belong to its certificate, a provider this machine lacks. {@link #key()} is the
 * key under {@code tls} ({@code certPath}, {@code sni[1].keyPath}, {@code caPath}, {@code provider});
 * the message reads {@code "<key>: <problem>"}, one line.
 */
public final class TlsSettingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String problem;

  public TlsSettingException(String key, String problem, Throwable cause) {
    super(key + ": " + problem, cause);
    this.key = key;
    this.problem = problem;
  }

  public String key() {
    return key;
  }

  public String problem() {
    return problem;
  }
}
