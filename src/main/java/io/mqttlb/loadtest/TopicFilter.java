package io.mqttlb.loadtest;

/** MQTT topic filter matching (MQTT 3.1.1 §4.7, MQTT 5 §4.7): {@code +} one level, {@code #} the rest. */
final class TopicFilter {
  private TopicFilter() {}

  static boolean matches(String filter, String topic) {
    if (filter.equals(topic)) {
      return true;
    }
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        // "#" also matches the parent level itself (sport/# matches sport), but never $-topics from the root
        return !(i == 0 && topic.startsWith("$"));
      }
      if (i >= t.length) {
        return false;
      }
      if (f[i].equals("+")) {
        if (i == 0 && t[0].startsWith("$")) {
          return false;
        }
      } else if (!f[i].equals(t[i])) {
        return false;
      }
    }
    return f.length == t.length;
  }
}
