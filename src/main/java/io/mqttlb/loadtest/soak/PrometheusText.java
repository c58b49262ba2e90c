package io.mqttlb.loadtest.soak;

import java.util.Map;

/**
 * Reads values out of the Prometheus text exposition format: {@code name{label="v",...} value}.
 * Enough for a node's own {@code /metrics}; not a general parser (no escapes inside label values,
 * which our metrics never have). Pure.
 */
final class PrometheusText {
  private PrometheusText() {
  }

  /**
   * The sum of every sample of metric {@code name} whose labels include all of {@code labels}
   * (e.g. heap pools summed into one heap figure); NaN when there is none.
   */
  static double sum(String text, String name, Map<String, String> labels) {
    double total = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(name)) {
        continue;
      }
      int afterName = name.length();
      if (afterName < line.length() && line.charAt(afterName) != '{' && line.charAt(afterName) != ' ') {
        continue; // a longer name sharing this prefix
      }
      int valueStart = line.lastIndexOf(' ');
      String labelPart = line.substring(afterName, valueStart);
      if (!hasLabels(labelPart, labels)) {
        continue;
      }
      try {
        total += Double.parseDouble(line.substring(valueStart + 1).strip());
        found = true;
      } catch (NumberFormatException e) {
        // not a sample line after all
      }
    }
    return found ? total : Double.NaN;
  }

  private static boolean hasLabels(String labelPart, Map<String, String> labels) {
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String wanted = label.getKey() + "=\"" + label.getValue() + "\"";
      if (!(labelPart.contains("{" + wanted) || labelPart.contains("," + wanted))) {
        return false;
      }
    }
    return true;
  }
}
