package io.mqttlb.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The YAML layer every mqttlb file is read through, the node configuration and the load-test
 * simulations alike, so that both follow one set of rules and report problems in one form
 * ({@link ConfigException}: {@code <file>: <key path>: <problem>}, one line). Stateless.
 *
 * <p>The rules:
 * <ul>
 *   <li>the file is UTF-8 text of at most {@value #MAX_CODE_POINTS} code points, one document;
 *   <li>SnakeYAML only composes the node tree: no tag constructs an object, scalars are read from
 *       their text by {@link YamlValue} (so {@code no} is text, {@code "5"} is a number where one is
 *       expected);
 *   <li>aliases are limited ({@value #MAX_ALIASES}: a hand-written file needs few, and the limit
 *       stops "billion laughs" expansion), recursive keys refused, nesting bounded
 *       ({@value #MAX_NESTING_DEPTH});
 *   <li>every mapping's keys are checked against the keys its place knows ({@link YamlMapping}):
 *       a typo or a duplicate is an error naming it, never a silently ignored setting.
 * </ul>
 */
public final class YamlDocument {
  static final int MAX_ALIASES = 50;
  static final int MAX_NESTING_DEPTH = 20;
  static final int MAX_CODE_POINTS = 1 << 20;

  private YamlDocument() {}

  /** The file's text (UTF-8); a file that cannot be read is an error about the whole file. */
  public static String read(Path file) throws ConfigException {
    String name = file.toString();
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, ConfigException.WHOLE_FILE, "file not found", e);
    } catch (AccessDeniedException e) {
      throw new ConfigException(name, ConfigException.WHOLE_FILE, "permission denied", e);
    } catch (MalformedInputException e) {
      throw new ConfigException(name, ConfigException.WHOLE_FILE, "not UTF-8 text", e);
    } catch (IOException e) {
      String reason = Files.isDirectory(file) ? "is a directory, not a file" : "cannot read: " + e.getMessage();
      throw new ConfigException(name, ConfigException.WHOLE_FILE, reason, e);
    }
  }

  /**
   * The document's root, whose scalars substitute {@code ${NAME}} and {@code ${NAME:-default}}
   * from {@code env} when read ({@link EnvSubstitution}).
   *
   * @param fileName what messages call the file
   * @param whenEmpty what an empty file lacks, for its message ("a node needs at least a brokers list")
   */
  public static YamlValue parse(String text, String fileName, Map<String, String> env, String whenEmpty)
      throws ConfigException {
    Objects.requireNonNull(env, "env");
    return YamlValue.root(fileName, compose(text, fileName, whenEmpty), env);
  }

  /**
   * The document's root, whose scalars are read as written: for files whose own syntax uses
   * {@code ${...}} (a simulation's {@code ${clientId}} in topics is filled in per user at run time).
   */
  public static YamlValue parseVerbatim(String text, String fileName, String whenEmpty) throws ConfigException {
    return YamlValue.root(fileName, compose(text, fileName, whenEmpty), null);
  }

  private static Node compose(String text, String fileName, String whenEmpty) throws ConfigException {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(fileName, "fileName");
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(false);
    options.setNestingDepthLimit(MAX_NESTING_DEPTH);
    options.setCodePointLimit(MAX_CODE_POINTS);
    Node root;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw new ConfigException(fileName, ConfigException.WHOLE_FILE, yamlProblem(e), e);
    } catch (YAMLException e) {
      throw new ConfigException(fileName, ConfigException.WHOLE_FILE, "not valid YAML: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new ConfigException(fileName, ConfigException.WHOLE_FILE, "the file is empty; " + whenEmpty);
    }
    return root;
  }

  // SnakeYAML's own message spans several lines with a source snippet; keep the line and the words.
  private static String yamlProblem(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    String problem = Objects.requireNonNullElse(e.getProblem(), "malformed YAML");
    String context = e.getContext();
    if (context == null) {
      return "invalid YAML" + where + ": " + problem;
    }
    // "expected a single document in the stream" + "but found another document" reads in that order.
    return "invalid YAML" + where + ": "
        + (problem.startsWith("but ") ? context + ", " + problem : problem + " (" + context + ")");
  }
}
