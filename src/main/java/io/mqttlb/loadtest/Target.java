package io.mqttlb.loadtest;

/** A {@code host:port} that users connect to (a balancer node, or a broker directly). */
public record Target(String host, int port) {

  /** @throws IllegalArgumentException naming the text, unless it is {@code host:port} with port 1..65535 */
  public static Target parse(String text) {
    int colon = text == null ? -1 : text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("\"" + text + "\" is not host:port");
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("\"" + text + "\": port must be 1..65535");
      }
      return new Target(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not host:port", e);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
