package io.mqttlb.cluster;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.ProxyProtocol;

/**
 * How a broker is written in the tier's shared {@code brokers} map (keyed by broker id):
 * {@code address|weight}, then {@code |v1} or {@code |v2} when relayed connections start with a
 * PROXY protocol header.
 *
 * <pre>
 *   10.0.0.5:1883|1        weight 1, no PROXY header
 *   [::1]:1883|3|v2        weight 3, PROXY protocol v2
 * </pre>
 *
 * A broker without a header keeps the two-field form, so values written by nodes of earlier
 * versions read the same and those nodes read ours; an earlier node cannot read a three-field value
 * and ignores that broker (with a warning), which is right: it would connect without the header the
 * broker requires. Pure and stateless.
 */
final class BrokerValue {
  private static final char SEPARATOR = '|';

  private BrokerValue() {}

  static String encode(BrokerConfig broker) {
    String value = broker.address() + SEPARATOR + broker.weight();
    return broker.sendProxyProtocol() == ProxyProtocol.NONE ? value : value + SEPARATOR + broker.sendProxyProtocol().label();
  }

  /**
   * The broker of id {@code id} stored as {@code value}.
   *
   * @throws IllegalArgumentException when the value is not in either form
   */
  static BrokerConfig decode(String id, String value) {
    int last = value.lastIndexOf(SEPARATOR);
    if (last < 0) {
      throw new IllegalArgumentException("no weight in " + value);
    }
    String tail = value.substring(last + 1);
    if (isWholeNumber(tail)) {
      return BrokerConfig.of(id, value.substring(0, last), Integer.parseInt(tail));
    }
    ProxyProtocol version = ProxyProtocol.parse(tail);
    int weightStart = value.lastIndexOf(SEPARATOR, last - 1);
    if (weightStart < 0) {
      throw new IllegalArgumentException("no weight in " + value);
    }
    String weight = value.substring(weightStart + 1, last);
    if (!isWholeNumber(weight)) {
      throw new IllegalArgumentException("weight " + weight + " is not a whole number");
    }
    return BrokerConfig.of(id, value.substring(0, weightStart), Integer.parseInt(weight)).withSendProxyProtocol(version);
  }

  private static boolean isWholeNumber(String text) {
    return !text.isEmpty() && text.length() <= 9 && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
