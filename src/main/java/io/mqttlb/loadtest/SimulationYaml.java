package io.mqttlb.loadtest;

import io.mqttlb.config.ConfigException;
import io.mqttlb.config.Durations;
import io.mqttlb.loadtest.soak.LeakAssertion;
import io.mqttlb.loadtest.soak.LeakDetector;
import io.mqttlb.loadtest.soak.NodeSeries;
import io.mqttlb.loadtest.soak.TierOperation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Maps a YAML simulation onto the same objects the Java DSL builds. Every problem becomes one
 * {@link ConfigException} naming the file, the dotted key ({@code scenarios[0].steps[2].publish.qos})
 * and the problem; unknown keys are errors, so a typo never silently falls back to a default.
 */
final class SimulationYaml {
  private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(?:/\\s*(s|m))?");
  private static final Pattern BYTES = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(KiB|MiB|GiB|B)?");
  private static final Pattern MILLIS = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s)?");

  private final String file;

  private SimulationYaml(String file) {
    this.file = file;
  }

  static Simulation read(Path path) throws ConfigException {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new ConfigException(path.toString(), ConfigException.WHOLE_FILE, "cannot read the simulation: " + e.getMessage(), e);
    }
    return parse(text, path.toString(), path.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
  }

  /**
   * A simulation from its YAML text; {@code file} names it in messages, {@code defaultName} names the
   * simulation when the text does not. Every problem is a {@link ConfigException}.
   */
  static Simulation parse(String text, String file, String defaultName) throws ConfigException {
    SimulationYaml reader = new SimulationYaml(file);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new ConfigException(file, ConfigException.WHOLE_FILE, "not valid YAML: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new ConfigException(file, ConfigException.WHOLE_FILE, "the file is empty");
    }
    return reader.simulation(new Node(reader, "", root), defaultName);
  }

  private Simulation simulation(Node root, String defaultName) throws ConfigException {
    Map<String, Node> keys = root.mapping("simulation", "description", "targets", "caFile", "markerTopic", "scenarios",
        "assertions", "operations");
    String name = keys.containsKey("simulation") ? keys.get("simulation").string() : defaultName;
    Simulation simulation = root.build(() -> Simulation.simulation(name));
    if (keys.containsKey("description")) {
      String description = keys.get("description").string();
      simulation = simulation.description(description);
    }
    if (keys.containsKey("targets")) {
      List<String> targets = new ArrayList<>();
      for (Node target : keys.get("targets").list()) {
        String text = target.string();
        target.build(() -> Target.parse(text));
        targets.add(text);
      }
      simulation = simulation.targets(targets);
    }
    if (keys.containsKey("caFile")) {
      Node caFile = keys.get("caFile");
      String path = caFile.string();
      Simulation before = simulation;
      simulation = caFile.build(() -> before.caFile(path));
    }
    if (keys.containsKey("markerTopic")) {
      Node marker = keys.get("markerTopic");
      String topic = marker.value == null ? null : marker.string();
      Simulation before = simulation;
      simulation = marker.build(() -> before.markerTopic(topic));
    }
    Node scenarios = keys.get("scenarios");
    if (scenarios == null) {
      throw root.error("scenarios", "required key is missing");
    }
    List<Node> scenarioNodes = scenarios.list();
    if (scenarioNodes.isEmpty()) {
      throw scenarios.error("must list at least one scenario");
    }
    for (Node node : scenarioNodes) {
      simulation = simulation.scenarios(scenario(node));
    }
    if (keys.containsKey("assertions")) {
      for (Node node : keys.get("assertions").list()) {
        if (node.value instanceof Map<?, ?> map && map.containsKey("noLeak")) {
          simulation = simulation.assertions(leakAssertion(node.mapping("noLeak").get("noLeak")));
        } else {
          simulation = simulation.assertions(assertion(node));
        }
      }
    }
    if (keys.containsKey("operations")) {
      for (Node node : keys.get("operations").list()) {
        simulation = simulation.operations(operation(node));
      }
    }
    return simulation;
  }

  private Scenario scenario(Node node) throws ConfigException {
    Map<String, Node> keys = node.mapping("name", "clientIdPrefix", "protocol", "steps", "injection");
    String name = node.require(keys, "name").string();
    Scenario scenario = node.build(() -> Scenario.scenario(name));
    if (keys.containsKey("clientIdPrefix")) {
      String prefix = keys.get("clientIdPrefix").string();
      scenario = scenario.clientIdPrefix(prefix);
    }
    if (keys.containsKey("protocol")) {
      Node protocol = keys.get("protocol");
      int version = protocol.integer();
      Scenario before = scenario;
      scenario = protocol.build(() -> before.protocol(version));
    }
    for (Step step : steps(node.require(keys, "steps"))) {
      scenario = scenario.step(step);
    }
    Node injection = node.require(keys, "injection");
    List<Node> profiles = injection.list();
    if (profiles.isEmpty()) {
      throw injection.error("must list at least one injection profile");
    }
    for (Node profile : profiles) {
      scenario = scenario.inject(injection(profile));
    }
    return scenario;
  }

  private List<Step> steps(Node node) throws ConfigException {
    List<Node> items = node.list();
    if (items.isEmpty()) {
      throw node.error("must list at least one step");
    }
    List<Step> steps = new ArrayList<>();
    for (Node item : items) {
      steps.add(step(item));
    }
    return steps;
  }

  private Step step(Node item) throws ConfigException {
    if (item.value instanceof String kind && kind.equals("disconnect")) {
      return new Step.Disconnect();
    }
    Map.Entry<String, Node> only = item.single("connect", "subscribe", "publish", "pause", "expect", "disconnect",
        "reconnect", "repeat");
    Node args = only.getValue();
    switch (only.getKey()) {
      case "connect": {
        Map<String, Node> k = args.optionalMapping("cleanSession", "sessionExpiry", "keepAlive");
        boolean clean = k.containsKey("cleanSession") ? k.get("cleanSession").bool() : true;
        Duration expiry = k.containsKey("sessionExpiry") ? k.get("sessionExpiry").duration() : Duration.ZERO;
        Duration keepAlive = k.containsKey("keepAlive") ? k.get("keepAlive").duration() : Step.Connect.DEFAULT_KEEP_ALIVE;
        return args.build(() -> new Step.Connect(clean, expiry, keepAlive));
      }
      case "subscribe": {
        Map<String, Node> k = args.mapping("topic", "qos");
        String topic = args.require(k, "topic").string();
        int qos = k.containsKey("qos") ? k.get("qos").integer() : 0;
        return args.build(() -> new Step.Subscribe(topic, qos));
      }
      case "publish": {
        Map<String, Node> k = args.mapping("topic", "qos", "payloadBytes", "count", "rate");
        String topic = args.require(k, "topic").string();
        int qos = k.containsKey("qos") ? k.get("qos").integer() : 0;
        int bytes = k.containsKey("payloadBytes") ? k.get("payloadBytes").integer() : 64;
        int count = k.containsKey("count") ? k.get("count").integer() : 1;
        double rate = k.containsKey("rate") ? k.get("rate").rate() : 0;
        return args.build(() -> new Step.Publish(topic, qos, bytes, count, rate));
      }
      case "pause": {
        if (args.value instanceof Map) {
          Map<String, Node> k = args.mapping("min", "max");
          Duration min = args.require(k, "min").duration();
          Duration max = args.require(k, "max").duration();
          return args.build(() -> new Step.Pause(min, max));
        }
        Duration fixed = args.duration();
        return args.build(() -> new Step.Pause(fixed, fixed));
      }
      case "expect": {
        Map<String, Node> k = args.mapping("topic", "count", "within");
        String topic = args.require(k, "topic").string();
        int count = k.containsKey("count") ? k.get("count").integer() : 1;
        Duration within = k.containsKey("within") ? k.get("within").duration() : Duration.ofSeconds(5);
        return args.build(() -> new Step.Expect(topic, count, within));
      }
      case "disconnect":
        args.optionalMapping();
        return new Step.Disconnect();
      case "reconnect": {
        Map<String, Node> k = args.optionalMapping("through", "cleanSession");
        Step.Through through = Step.Through.NEXT;
        if (k.containsKey("through")) {
          String text = k.get("through").string();
          if (!text.equals("next") && !text.equals("same")) {
            throw k.get("through").error("must be next or same, not \"" + text + "\"");
          }
          through = text.equals("next") ? Step.Through.NEXT : Step.Through.SAME;
        }
        boolean clean = k.containsKey("cleanSession") && k.get("cleanSession").bool();
        return new Step.Reconnect(through, clean);
      }
      case "repeat": {
        Map<String, Node> k = args.mapping("times", "steps");
        int times = args.require(k, "times").integer();
        List<Step> body = steps(args.require(k, "steps"));
        return args.build(() -> new Step.Repeat(times, body));
      }
      default:
        throw new AssertionError(only.getKey());
    }
  }

  private Injection injection(Node item) throws ConfigException {
    Map.Entry<String, Node> only = item.single("atOnceUsers", "rampUsers", "constantUsersPerSec", "stairs",
        "constantConcurrentUsers");
    Node args = only.getValue();
    switch (only.getKey()) {
      case "atOnceUsers": {
        int users = args.integer();
        return args.build(() -> Injection.atOnceUsers(users));
      }
      case "rampUsers": {
        Map<String, Node> k = args.mapping("users", "during");
        int users = args.require(k, "users").integer();
        Duration during = args.require(k, "during").duration();
        return args.build(() -> Injection.rampUsers(users).during(during));
      }
      case "constantUsersPerSec": {
        Map<String, Node> k = args.mapping("rate", "during");
        double rate = args.require(k, "rate").rate();
        Duration during = args.require(k, "during").duration();
        return args.build(() -> Injection.constantUsersPerSec(rate).during(during));
      }
      case "stairs": {
        Map<String, Node> k = args.mapping("start", "step", "levels", "levelDuration");
        double start = args.require(k, "start").rate();
        double step = args.require(k, "step").rate();
        int levels = args.require(k, "levels").integer();
        Duration level = args.require(k, "levelDuration").duration();
        return args.build(() -> Injection.stairs(start, step, levels, level));
      }
      case "constantConcurrentUsers": {
        Map<String, Node> k = args.mapping("users", "during");
        int users = args.require(k, "users").integer();
        Duration during = args.require(k, "during").duration();
        return args.build(() -> Injection.constantConcurrentUsers(users).during(during));
      }
      default:
        throw new AssertionError(only.getKey());
    }
  }

  private Assertion assertion(Node node) throws ConfigException {
    List<String> keys = new ArrayList<>(List.of("metric"));
    for (Assertion.Op op : Assertion.Op.values()) {
      keys.add(op.key);
    }
    Map<String, Node> k = node.mapping(keys.toArray(String[]::new));
    Node metricNode = node.require(k, "metric");
    String metric = metricNode.string();
    Assertion.Staged staged = metricNode.build(() -> Assertion.metric(metric));
    List<String> ops = k.keySet().stream().filter(key -> !key.equals("metric")).toList();
    if (ops.size() != 1) {
      throw node.error("needs exactly one of lt, lte, gt, gte, eq (found " + (ops.isEmpty() ? "none" : String.join(", ", ops)) + ")");
    }
    Node expected = k.get(ops.get(0));
    double value = Assertion.isLatency(staged.metric()) ? expected.millis() : expected.number();
    return expected.build(() -> new Assertion(metric, Assertion.Op.of(ops.get(0)), value));
  }

  /** {@code { series: heap, maxSlopePerMinute: 512KiB, maxGrowthPercent: 10 }}; the growth limit is optional. */
  private LeakAssertion leakAssertion(Node node) throws ConfigException {
    Map<String, Node> k = node.mapping("series", "maxSlopePerMinute", "maxGrowthPercent");
    Node seriesNode = node.require(k, "series");
    NodeSeries series = NodeSeries.byKey(seriesNode.string());
    if (series == null) {
      throw seriesNode.error("unknown series \"" + seriesNode.string() + "\"; expected one of "
          + String.join(", ", Arrays.stream(NodeSeries.values()).map(s -> s.key).toList()));
    }
    Node slopeNode = node.require(k, "maxSlopePerMinute");
    double slope = series.bytes() ? slopeNode.bytes() : slopeNode.number();
    double growth = k.containsKey("maxGrowthPercent") ? k.get("maxGrowthPercent").number()
        : LeakDetector.DEFAULT_MAX_GROWTH_PERCENT;
    return node.build(() -> new LeakAssertion(series, slope, growth));
  }

  /** {@code { at: 60s, drain: b2, rate: 50 }}, {@code { at: 120s, enable: b2 }} or {@code { at: 150s, rebalance: { rate: 50 } }}. */
  private TierOperation operation(Node node) throws ConfigException {
    Map<String, Node> k = node.mapping("at", "drain", "enable", "rebalance", "rate");
    Duration at = node.require(k, "at").duration();
    List<String> kinds = k.keySet().stream().filter(List.of("drain", "enable", "rebalance")::contains).toList();
    if (kinds.size() != 1) {
      throw node.error("needs exactly one of drain, enable, rebalance (found "
          + (kinds.isEmpty() ? "none" : String.join(", ", kinds)) + ")");
    }
    Node what = k.get(kinds.get(0));
    switch (kinds.get(0)) {
      case "drain" -> {
        String broker = node.require(k, "drain").string();
        int rate = node.require(k, "rate").integer();
        return node.build(() -> new TierOperation.Drain(at, broker, rate));
      }
      case "enable" -> {
        if (k.containsKey("rate")) {
          throw node.error("rate", "enable takes no rate");
        }
        String broker = node.require(k, "enable").string();
        return node.build(() -> new TierOperation.Enable(at, broker));
      }
      default -> {
        if (k.containsKey("rate")) {
          throw node.error("rate", "write rebalance: { rate: N }");
        }
        int rate = what.require(what.mapping("rate"), "rate").integer();
        return what.build(() -> new TierOperation.Rebalance(at, rate));
      }
    }
  }

  /** A YAML value and the dotted key it was found at. */
  private static final class Node {
    final SimulationYaml owner;
    final String key;
    final Object value;

    Node(SimulationYaml owner, String key, Object value) {
      this.owner = owner;
      this.key = key;
      this.value = value;
    }

    ConfigException error(String problem) {
      return new ConfigException(owner.file, key.isEmpty() ? ConfigException.WHOLE_FILE : key, problem);
    }

    ConfigException error(String child, String problem) {
      return new ConfigException(owner.file, childKey(child), problem);
    }

    private String childKey(String child) {
      return key.isEmpty() ? child : key + "." + child;
    }

    /** A mapping with only these keys (any may be absent). */
    Map<String, Node> mapping(String... known) throws ConfigException {
      if (!(value instanceof Map<?, ?> map)) {
        throw error("must be a mapping of " + String.join(", ", known));
      }
      Map<String, Node> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (!List.of(known).contains(k)) {
          throw error(k, "unknown key \"" + k + "\"; expected one of " + String.join(", ", known));
        }
        out.put(k, new Node(owner, childKey(k), e.getValue()));
      }
      return out;
    }

    /** As {@link #mapping}, where an empty value means an empty mapping. */
    Map<String, Node> optionalMapping(String... known) throws ConfigException {
      return value == null ? Map.of() : mapping(known);
    }

    Map.Entry<String, Node> single(String... kinds) throws ConfigException {
      if (!(value instanceof Map<?, ?> map) || map.size() != 1) {
        throw error("must be one of " + String.join(", ", kinds) + " (a mapping with exactly one of these keys)");
      }
      Map<String, Node> only = mapping(kinds);
      return only.entrySet().iterator().next();
    }

    Node require(Map<String, Node> keys, String child) throws ConfigException {
      Node node = keys.get(child);
      if (node == null) {
        throw error(child, "required key is missing");
      }
      if (node.value == null) {
        throw node.error("must not be empty");
      }
      return node;
    }

    List<Node> list() throws ConfigException {
      if (!(value instanceof List<?> items)) {
        throw error("must be a list");
      }
      List<Node> out = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        out.add(new Node(owner, key + "[" + i + "]", items.get(i)));
      }
      return out;
    }

    String string() throws ConfigException {
      if (value instanceof String || value instanceof Number || value instanceof Boolean) {
        return String.valueOf(value);
      }
      throw error("must be a single value, not " + describe());
    }

    int integer() throws ConfigException {
      if (value instanceof Integer i) {
        return i;
      }
      throw error("must be a whole number, not " + describe());
    }

    double number() throws ConfigException {
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      throw error("must be a number, not " + describe());
    }

    boolean bool() throws ConfigException {
      if (value instanceof Boolean b) {
        return b;
      }
      throw error("must be true or false, not " + describe());
    }

    Duration duration() throws ConfigException {
      if (!(value instanceof String text)) {
        throw error("must be a duration such as 500ms, 5s, 30m or 1h, not " + describe());
      }
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage());
      }
    }

    /** Bytes: a bare number, or {@code 512KiB}, {@code 2MiB}, {@code 1GiB}. */
    double bytes() throws ConfigException {
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      Matcher m = value instanceof String s ? BYTES.matcher(s.strip()) : null;
      if (m == null || !m.matches()) {
        throw error("must be a size such as 4096, 512KiB or 2MiB, not " + describe());
      }
      double amount = Double.parseDouble(m.group(1));
      return switch (m.group(2) == null ? "" : m.group(2)) {
        case "KiB" -> amount * 1024;
        case "MiB" -> amount * 1024 * 1024;
        case "GiB" -> amount * 1024 * 1024 * 1024;
        default -> amount;
      };
    }

    /** Per second: {@code 5}, {@code 5/s} or {@code 300/m}. */
    double rate() throws ConfigException {
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      Matcher m = value instanceof String s ? RATE.matcher(s.strip()) : null;
      if (m == null || !m.matches()) {
        throw error("must be a rate such as 50, 50/s or 300/m, not " + describe());
      }
      double amount = Double.parseDouble(m.group(1));
      return "m".equals(m.group(2)) ? amount / 60 : amount;
    }

    /** Milliseconds: {@code 50ms}, {@code 0.5ms}, {@code 2s}, or a bare number of milliseconds. */
    double millis() throws ConfigException {
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      Matcher m = value instanceof String s ? MILLIS.matcher(s.strip()) : null;
      if (m == null || !m.matches()) {
        throw error("must be a latency such as 50ms or 1s, not " + describe());
      }
      double amount = Double.parseDouble(m.group(1));
      return "s".equals(m.group(2)) ? amount * 1000 : amount;
    }

    /**
     * Runs a model constructor, turning its validation message into an error at this key, or at
     * the child key the message starts with ({@code "qos (3) must be 0, 1 or 2"} names {@code ...qos}).
     */
    <T> T build(Builder<T> builder) throws ConfigException {
      try {
        return builder.build();
      } catch (IllegalArgumentException | NullPointerException e) {
        String message = String.valueOf(e.getMessage());
        String field = message.split("[^A-Za-z]", 2)[0];
        if (value instanceof Map<?, ?> map && map.containsKey(field)) {
          throw error(field, message);
        }
        throw error(message);
      }
    }

    private String describe() {
      if (value == null) {
        return "nothing";
      }
      if (value instanceof Map) {
        return "a mapping";
      }
      if (value instanceof List) {
        return "a list";
      }
      return "\"" + value + "\"";
    }
  }

  @FunctionalInterface
  private interface Builder<T> {
    T build();
  }
}
