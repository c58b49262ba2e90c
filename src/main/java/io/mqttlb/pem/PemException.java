package io.mqttlb.pem;

/** A PEM file that cannot be used; the message names the file and the problem, on one line. */
public final class PemException extends Exception {
  private static final long serialVersionUID = 1L;

  public PemException(String message) {
    super(message);
  }

  public PemException(String message, Throwable cause) {
    super(message, cause);
  }
}
