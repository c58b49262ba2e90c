package io.mqttlb.cluster;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.mqttlb.config.ProxyProtocol;

/**
 * How a broker is written in the tier's shared {@code brokers} map (keyed by broker id):
 * {@code address|weight}, then {@code |v1} or {@code |v2} when relayed connections start with a
 * PROXY protocol header, then {@code |tls} when they speak TLS, with its settings that differ from
 * the defaults as {@code ;name=value} ({@code ca} the CA file, {@code name} the server name,
 * {@code verify=false}), then {@code |rate=N} when the broker has a connect-rate cap of its own.
 *
 * <pre>
 *   10.0.0.5:1883|1                                 weight 1, plain TCP, no PROXY header
 *   [::1]:1883|3|v2                                 weight 3, PROXY protocol v2
 *   10.0.0.5:8883|1|tls                             TLS, the JVM's trust, the host's name checked
 *   10.0.0.5:8883|2|v1|tls;ca=/etc/ca.pem;name=b1.example.com
 *   10.0.0.5:8883|1|tls;verify=false
 *   10.0.0.5:1883|1|rate=500                        at most 500 new connections a second, tier-wide
 *   10.0.0.5:8883|1|v2|tls|rate=200
 * </pre>
 *
 * A value is read from its end, so that the address is whatever precedes the weight. In setting
 * values {@code %}, {@code |} and {@code ;} are written as {@code %25}, {@code %7C} and {@code %3B}.
 *
 * <p>A broker without a header, TLS or cap keeps the two-field form, so values written by nodes of
 * earlier versions read the same and those nodes read ours. An earlier node cannot read a value
 * with a field it does not know and ignores that broker (with a warning), which is right: it would
 * connect without the header or the TLS the broker requires, or past the cap that protects it. Pure
 * and stateless.
 */
final class BrokerValue {
  private static final char SEPARATOR = '|';
  private static final String TLS = "tls";
  private static final char SETTING = ';';
  private static final String CA = "ca=";
  private static final String NAME = "name=";
  private static final String NO_VERIFY = "verify=false";
  private static final String RATE = "rate=";

  private BrokerValue() {}

  static String encode(BrokerConfig broker) {
    StringBuilder value = new StringBuilder(broker.address()).append(SEPARATOR).append(broker.weight());
    if (broker.sendProxyProtocol() != ProxyProtocol.NONE) {
      value.append(SEPARATOR).append(broker.sendProxyProtocol().label());
    }
    BrokerTlsConfig tls = broker.tls();
    if (tls != null) {
      value.append(SEPARATOR).append(TLS);
      if (tls.caPath() != null) {
        value.append(SETTING).append(CA).append(escape(tls.caPath()));
      }
      if (tls.serverName() != null) {
        value.append(SETTING).append(NAME).append(escape(tls.serverName()));
      }
      if (!tls.verify()) {
        value.append(SETTING).append(NO_VERIFY);
      }
    }
    if (broker.maxConnectRate() > 0) {
      value.append(SEPARATOR).append(RATE).append(broker.maxConnectRate());
    }
    return value.toString();
  }

  /**
   * The broker of id {@code id} stored as {@code value}.
   *
   * @throws IllegalArgumentException when the value is not in this form
   */
  static BrokerConfig decode(String id, String value) {
    ProxyProtocol proxy = ProxyProtocol.NONE;
    BrokerTlsConfig tls = null;
    int rate = 0;
    boolean readRate = false;
    int end = value.length();
    // Fields after the weight, read from the last: at most one rate field, after at most one TLS field, after at
    // most one PROXY version.
    while (true) {
      int separator = value.lastIndexOf(SEPARATOR, end - 1);
      if (separator < 0) {
        throw new IllegalArgumentException("no weight in " + value);
      }
      String field = value.substring(separator + 1, end);
      if (isWholeNumber(field)) {
        return BrokerConfig.of(id, value.substring(0, separator), Integer.parseInt(field))
            .withSendProxyProtocol(proxy).withTls(tls).withMaxConnectRate(rate);
      }
      if (field.startsWith(RATE) && !readRate && tls == null && proxy == ProxyProtocol.NONE) {
        String number = field.substring(RATE.length());
        if (!isWholeNumber(number)) {
          throw new IllegalArgumentException("rate " + number + " is not a whole number");
        }
        rate = Integer.parseInt(number);
        readRate = true;
      } else if (isTls(field) && tls == null && proxy == ProxyProtocol.NONE) {
        tls = decodeTls(field);
      } else if (proxy == ProxyProtocol.NONE) {
        proxy = ProxyProtocol.parse(field);
        if (proxy == ProxyProtocol.NONE) {
          throw new IllegalArgumentException("unexpected field " + field + " in " + value);
        }
      } else {
        throw new IllegalArgumentException("weight " + field + " is not a whole number");
      }
      end = separator;
    }
  }

  private static boolean isTls(String field) {
    return field.equals(TLS) || field.startsWith(TLS + SETTING);
  }

  private static BrokerTlsConfig decodeTls(String field) {
    String caPath = null;
    String serverName = null;
    boolean verify = true;
    String[] settings = field.split(String.valueOf(SETTING), -1);
    for (int i = 1; i < settings.length; i++) {
      String setting = settings[i];
      if (setting.startsWith(CA)) {
        caPath = unescape(setting.substring(CA.length()));
      } else if (setting.startsWith(NAME)) {
        serverName = unescape(setting.substring(NAME.length()));
      } else if (setting.equals(NO_VERIFY)) {
        verify = false;
      } else {
        throw new IllegalArgumentException("unknown TLS setting " + setting);
      }
    }
    return new BrokerTlsConfig(caPath, serverName, verify);
  }

  private static String escape(String text) {
    return text.replace("%", "%25").replace("|", "%7C").replace(";", "%3B");
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      String code = i + 3 <= text.length() ? text.substring(i + 1, i + 3) : "";
      switch (code) {
        case "25" -> out.append('%');
        case "7C" -> out.append('|');
        case "3B" -> out.append(';');
        default -> throw new IllegalArgumentException("bad escape in " + text);
      }
      i += 2;
    }
    return out.toString();
  }

  private static boolean isWholeNumber(String text) {
    return !text.isEmpty() && text.length() <= 9 && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
