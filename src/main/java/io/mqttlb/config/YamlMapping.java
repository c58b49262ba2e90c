package io.mqttlb.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/** A YAML mapping whose keys have been checked: plain names, each once, each one of the known keys. */
public final class YamlMapping {
  private final YamlValue owner;
  private final Map<String, YamlValue> entries;

  private YamlMapping(YamlValue owner, Map<String, YamlValue> entries) {
    this.owner = owner;
    this.entries = entries;
  }

  static YamlMapping of(YamlValue owner, MappingNode node, List<String> knownKeys) throws ConfigException {
    Map<String, YamlValue> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : node.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode) || Tag.MERGE.equals(keyNode.getTag())) {
        throw owner.error("keys must be plain names; merge keys (<<) and complex keys are not supported");
      }
      String key = keyNode.getValue();
      if (!knownKeys.contains(key)) {
        throw owner.error(key, "unknown key " + Require.quote(key) + "; expected one of " + String.join(", ", knownKeys));
      }
      if (entries.containsKey(key)) {
        throw owner.error(key, "duplicate key " + Require.quote(key));
      }
      entries.put(key, owner.child(key, tuple.getValueNode()));
    }
    return new YamlMapping(owner, entries);
  }

  /** The keys written, in the file's order (empty values included). */
  public Set<String> keys() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  /** Whether the key is written at all, even with an empty value. */
  public boolean contains(String key) {
    return entries.containsKey(key);
  }

  /** The value, or null when the key is absent or its value empty. */
  public YamlValue get(String key) {
    YamlValue value = entries.get(key);
    return value == null || value.isNull() ? null : value;
  }

  public YamlValue require(String key) throws ConfigException {
    YamlValue value = get(key);
    if (value == null) {
      throw owner.error(key, contains(key) ? "must not be empty" : "required key is missing");
    }
    return value;
  }
}
