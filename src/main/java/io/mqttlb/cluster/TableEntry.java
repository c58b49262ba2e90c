package io.mqttlb.cluster;

/**
 * One entry of the routing table: a routing key and the broker it goes to.
 *
 * @param kind {@link #OVERRIDE} (set by an operator) or {@link #STICKY} (learned by the tier)
 * @param expiresAt epoch milliseconds, or 0 when the entry does not expire
 */
public record TableEntry(String key, String broker, String kind, long expiresAt) {
  public static final String OVERRIDE = "override";
  public static final String STICKY = "sticky";

  /** How a table value is stored: {@code broker|expiresAt}. Broker ids cannot contain '|'. */
  static String encode(String broker, long expiresAt) {
    return broker + '|' + expiresAt;
  }

  /** The broker of a stored value, or null for a value that is not {@code broker|expiresAt}. */
  static String brokerOf(String value) {
    int bar = value == null ? -1 : value.indexOf('|');
    return bar <= 0 ? null : value.substring(0, bar);
  }

  static long expiresAtOf(String value) {
    int bar = value.indexOf('|');
    try {
      return Long.parseLong(value, bar + 1, value.length(), 10);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return 0;
    }
  }

  static TableEntry decode(String key, String value, String kind) {
    String broker = brokerOf(value);
    return broker == null ? null : new TableEntry(key, broker, kind, expiresAtOf(value));
  }
}
