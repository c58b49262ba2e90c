package io.mqttlb.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the metric names and label names that a PromQL expression (of a Grafana panel or an alerting
 * rule) uses against what a node's {@code /metrics} exposes. Not a PromQL parser: it removes what can
 * hold no metric name, then classifies the identifiers left. Worked example:
 *
 * <pre>
 *   histogram_quantile(0.99, sum by (le, broker) (rate(mqttlb_broker_connect_seconds_bucket{job="$job"}[$__rate_interval])))
 *   1. Grafana variables and string literals out:  ...bucket{job=}[]
 *   2. selectors recorded with their matchers' label names: mqttlb_broker_connect_seconds_bucket [job]
 *   3. matcher bodies, ranges and grouping clauses out: histogram_quantile(0.99, sum  (rate(mqttlb_..._bucket)))
 *   4. identifiers: followed by "(" a function (it must be a PromQL one), a keyword, else a metric name
 * </pre>
 *
 * Names are compared with the exposed sample names as they are ({@code _total}, {@code _bucket} and
 * {@code _count} included), which is stricter than comparing metric families.
 */
final class PromQlCheck {
  /** Labels Prometheus gives every series of a target when it scrapes it; a node cannot expose them. */
  static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  private static final Set<String> FUNCTIONS = Set.of(
      // aggregation operators
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
      // functions
      "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "day_of_month",
      "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor", "histogram_count",
      "histogram_fraction", "histogram_quantile", "histogram_sum", "holt_winters", "hour", "idelta", "increase",
      "irate", "label_join", "label_replace", "ln", "log2", "log10", "minute", "month", "predict_linear", "rate",
      "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sqrt", "time", "timestamp", "vector", "year",
      "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "quantile_over_time",
      "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time");
  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right",
      "inf", "nan", "atan2");

  private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern SELECTOR = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][\\w:]*)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER_LABEL = Pattern.compile("(\\w+)\\s*(?:=~|!~|!=|=)");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*}");
  private static final Pattern BRACKETS = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING = Pattern.compile(
      "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  /** Not after a word character or a dot: the "e" of 1e-9 and the "m" of 5m are no identifiers. */
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][\\w:]*)(\\s*\\()?");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][\\w:]*)(\\{.*})?\\s+\\S+(\\s+\\S+)?$");
  private static final Pattern SAMPLE_LABEL = Pattern.compile("(\\w+)=\"(?:[^\"\\\\]|\\\\.)*\"");
  /** Grafana's {@code label_values(selector, label)}: not PromQL; its selector is checked. */
  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");

  /** One metric an expression reads, and the labels its matchers name. */
  record Selector(String metric, Set<String> labels) {}

  /** What an expression uses: its selectors, and identifiers followed by "(" that are not PromQL functions. */
  record Use(List<Selector> selectors, Set<String> unknownFunctions) {}

  private PromQlCheck() {
  }

  static Use use(String expression) {
    Matcher grafanaQuery = LABEL_VALUES.matcher(expression);
    String text = grafanaQuery.matches() ? grafanaQuery.group(1) : expression;
    text = GRAFANA_VARIABLE.matcher(text).replaceAll("");
    text = STRING.matcher(text).replaceAll("");
    Map<String, Set<String>> selectors = new HashMap<>();
    List<String> order = new ArrayList<>();
    Matcher selector = SELECTOR.matcher(text);
    while (selector.find()) {
      Set<String> labels = new LinkedHashSet<>();
      Matcher label = MATCHER_LABEL.matcher(selector.group(2));
      while (label.find()) {
        labels.add(label.group(1));
      }
      if (!selectors.containsKey(selector.group(1))) {
        order.add(selector.group(1));
      }
      selectors.computeIfAbsent(selector.group(1), k -> new LinkedHashSet<>()).addAll(labels);
    }
    text = BRACES.matcher(text).replaceAll("");
    text = BRACKETS.matcher(text).replaceAll("");
    text = GROUPING.matcher(text).replaceAll("");
    Set<String> unknownFunctions = new LinkedHashSet<>();
    Matcher identifier = IDENTIFIER.matcher(text);
    while (identifier.find()) {
      String name = identifier.group(1);
      if (identifier.group(2) != null) {
        if (!FUNCTIONS.contains(name)) {
          unknownFunctions.add(name);
        }
      } else if (!KEYWORDS.contains(name) && !selectors.containsKey(name)) {
        order.add(name);
        selectors.put(name, new LinkedHashSet<>());
      }
    }
    List<Selector> used = new ArrayList<>();
    for (String name : order) {
      used.add(new Selector(name, selectors.get(name)));
    }
    return new Use(used, unknownFunctions);
  }

  /** Sample names of a Prometheus text exposition, each with the label names its samples carry. */
  static Map<String, Set<String>> exposed(String scrape) {
    Map<String, Set<String>> labelsByName = new HashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.strip());
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Set<String> labels = labelsByName.computeIfAbsent(sample.group(1), k -> new HashSet<>());
      if (sample.group(2) != null) {
        Matcher label = SAMPLE_LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.add(label.group(1));
        }
      }
    }
    return labelsByName;
  }

  /**
   * What is wrong with {@code expression} against {@code exposed}: a function PromQL does not have, a
   * metric no sample has, a matcher on a label the metric's samples do not carry (the target labels
   * aside), or no metric at all (an expression this check cannot see into). Empty when all is well.
   */
  static List<String> problems(String expression, Map<String, Set<String>> exposed) {
    List<String> problems = new ArrayList<>();
    Use use = use(expression);
    for (String function : use.unknownFunctions()) {
      problems.add("unknown function " + function + "() in: " + expression);
    }
    if (use.selectors().isEmpty()) {
      problems.add("no metric found in: " + expression);
    }
    for (Selector selector : use.selectors()) {
      Set<String> labels = exposed.get(selector.metric());
      if (labels == null) {
        problems.add("metric " + selector.metric() + " is not exposed, in: " + expression);
        continue;
      }
      for (String label : selector.labels()) {
        if (!labels.contains(label) && !TARGET_LABELS.contains(label)) {
          problems.add("metric " + selector.metric() + " has no label " + label + ", in: " + expression);
        }
      }
    }
    return problems;
  }
}
