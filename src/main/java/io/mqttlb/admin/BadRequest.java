package io.mqttlb.admin;

/** A call the admin API refuses: the status (4xx) and the message for {@code {"error": ...}}. */
final class BadRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  BadRequest(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
