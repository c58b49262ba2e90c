package io.mqttlb.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A node of the composed YAML tree at a dotted key path ({@code scenarios[0].steps[2].qos}), read
 * into the types a file needs. Every failure is a {@link ConfigException} naming that path. Roots
 * come from {@link YamlDocument}.
 *
 * <p>Scalars are read from their text, never constructed by SnakeYAML, so no YAML 1.1 surprise
 * applies: {@code name: no} is the text "no", {@code port: 0123} is 123, and a quoted
 * {@code "1883"} is still a number where a number is expected. Environment references are
 * substituted in that text when it is read ({@link EnvSubstitution}), so a value can never change
 * the file's structure and a reference in an unknown or refused key is never looked up; a
 * verbatim document ({@link YamlDocument#parseVerbatim}) substitutes nothing.
 */
public final class YamlValue {
  /** What a plain scalar resolves to, or what a harmless explicit tag ({@code !!str 1883}) says. */
  private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]+(_[0-9]+)*");
  /** Decimal notation only: no hexadecimal, no {@code .inf} or {@code .nan}. */
  private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

  private final String file;
  private final String path;
  private final Node node;
  /** Null in a verbatim document: scalars are read as written. */
  private final Map<String, String> env;

  private YamlValue(String file, String path, Node node, Map<String, String> env) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.env = env;
  }

  static YamlValue root(String file, Node node, Map<String, String> env) {
    return new YamlValue(file, "", node, env);
  }

  YamlValue child(String key, Node child) {
    return new YamlValue(file, path.isEmpty() ? key : path + "." + key, child, env);
  }

  /** The dotted key path; {@code -} for the document itself. */
  public String path() {
    return path.isEmpty() ? ConfigException.WHOLE_FILE : path;
  }

  String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** A problem with this value, reported at its path. */
  public ConfigException error(String problem) {
    return new ConfigException(file, path(), problem);
  }

  /** A problem with the child {@code key} of this mapping (present or missing), reported at its path. */
  public ConfigException error(String key, String problem) {
    return new ConfigException(file, childPath(key), problem);
  }

  /** An empty value ({@code key:}, {@code ~}, {@code null}) counts as absent. */
  public boolean isNull() {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** Whether the value is a plain mapping (for places that take either a scalar or a mapping). */
  public boolean isMapping() {
    return node instanceof MappingNode && Tag.MAP.equals(node.getTag());
  }

  /** Whether the value is a scalar that is not empty (text, a number, a boolean). */
  public boolean isScalar() {
    return node instanceof ScalarNode && !isNull();
  }

  /** A mapping whose keys are all in {@code knownKeys}; duplicates and other keys are errors. */
  public YamlMapping asMapping(List<String> knownKeys) throws ConfigException {
    if (!(node instanceof MappingNode mapping) || !Tag.MAP.equals(node.getTag())) {
      throw error("expected a mapping of " + String.join(", ", knownKeys) + "; got " + describe());
    }
    return YamlMapping.of(this, mapping, knownKeys);
  }

  public List<YamlValue> asList() throws ConfigException {
    if (!(node instanceof SequenceNode sequence) || !Tag.SEQ.equals(node.getTag())) {
      throw error("expected a list; got " + describe());
    }
    List<YamlValue> items = new ArrayList<>(sequence.getValue().size());
    for (Node item : sequence.getValue()) {
      items.add(new YamlValue(file, path + "[" + items.size() + "]", item, env));
    }
    return items;
  }

  /** The scalar's text, with environment references substituted unless the document is verbatim. */
  public String asString() throws ConfigException {
    return text("a text value");
  }

  public int asInt() throws ConfigException {
    long value = asLong();
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw error(value + " is out of range");
    }
    return (int) value;
  }

  public long asLong() throws ConfigException {
    String text = text("a whole number").strip();
    if (!WHOLE_NUMBER.matcher(text).matches()) {
      throw error("expected a whole number; got " + Require.quote(text));
    }
    try {
      return Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw error(Require.quote(text) + " is out of range");
    }
  }

  public boolean asBoolean() throws ConfigException {
    String text = text("true or false").strip();
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error("expected true or false; got " + Require.quote(text));
    };
  }

  /** A finite number in decimal notation: {@code 5}, {@code 99.9}, {@code -1}, {@code 1e3}. */
  public double asDouble() throws ConfigException {
    String text = text("a number").strip();
    if (!DECIMAL.matcher(text).matches()) {
      throw error("expected a number; got " + Require.quote(text));
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw error(Require.quote(text) + " is out of range");
    }
    return value;
  }

  public Duration asDuration() throws ConfigException {
    String text = text("a duration such as 5s");
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  private String text(String expected) throws ConfigException {
    if (!(node instanceof ScalarNode scalar)) {
      throw error("expected " + expected + "; got " + describe());
    }
    if (!isStandard(scalar.getTag())) {
      throw error("unsupported YAML tag " + Require.quote(scalar.getTag().getValue()) + "; write the plain value");
    }
    if (isNull()) {
      throw error("expected " + expected + "; got nothing");
    }
    if (env == null) {
      return scalar.getValue();
    }
    try {
      return EnvSubstitution.apply(scalar.getValue(), env);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  private String describe() {
    if (node instanceof MappingNode) {
      return Tag.MAP.equals(node.getTag()) ? "a mapping" : "a mapping tagged " + node.getTag();
    }
    if (node instanceof SequenceNode) {
      return Tag.SEQ.equals(node.getTag()) ? "a list" : "a list tagged " + node.getTag();
    }
    if (isNull()) {
      return "nothing";
    }
    return node instanceof ScalarNode scalar ? Require.quote(scalar.getValue()) : "an unexpected YAML node";
  }

  private static boolean isStandard(Tag tag) {
    return SCALAR_TAGS.contains(tag);
  }
}
