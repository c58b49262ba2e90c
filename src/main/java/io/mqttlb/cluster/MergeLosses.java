package io.mqttlb.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a node's copy of one shared map held, when it began merging back into the cluster, that the
 * merged map no longer holds: entries the cluster lacks and entries whose value the cluster's
 * replaced. One line per entry, for the log, so that nothing the node held is dropped silently.
 * Pure: compares two string maps.
 *
 * <pre>
 *   held by the node        merged map              lines
 *   mode=table              mode=hash               mode=table (the tier has hash)
 *   k1=b1|0                 (none)                  k1=b1|0 (the tier has none)
 *   k2=b2|0                 k2=b2|0                 (nothing: kept)
 *   (none)                  k3=b3|0                 (nothing: the node gained it)
 * </pre>
 */
final class MergeLosses {
  private MergeLosses() {}

  /** The lines for the entries of {@code held} that {@code merged} does not hold as they were, in key order. */
  static List<String> of(Map<String, String> held, Map<String, String> merged) {
    List<String> lines = new ArrayList<>();
    new TreeMap<>(held).forEach((key, value) -> {
      String now = merged.get(key);
      if (!value.equals(now)) {
        lines.add(key + "=" + value + " (the tier has " + (now == null ? "none" : now) + ")");
      }
    });
    return lines;
  }
}
