package io.mqttlb.cli;

/**
 * An admin call that did not succeed: the node answered 4xx or 5xx, could not be reached, or
 * answered something that is not the expected JSON. The message is what the user reads after
 * {@code "mqttlb: "}.
 */
final class AdminCallFailed extends Exception {
  AdminCallFailed(String message) {
    super(message);
  }
}
