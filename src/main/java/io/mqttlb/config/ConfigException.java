package io.mqttlb.config;

import java.util.Objects;

/**
 * A node configuration that cannot be used: names the file, the dotted key (list items as
 * {@code brokers[1].weight}; {@code -} when the problem is the file as a whole) and the problem.
 *
 * <p>{@link #getMessage()} is always exactly one line, {@code "<file>: <key>: <problem>"}, so the
 * CLI can print it as is and exit 2.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The key reported for problems that concern the whole file (unreadable, empty, not YAML). */
  public static final String WHOLE_FILE = "-";

  private final String file;
  private final String key;
  private final String problem;

  public ConfigException(String file, String key, String problem) {
    this(file, key, problem, null);
  }

  public ConfigException(String file, String key, String problem, Throwable cause) {
    super(oneLine(file) + ": " + oneLine(key) + ": " + oneLine(problem), cause);
    this.file = oneLine(file);
    this.key = oneLine(key);
    this.problem = oneLine(problem);
  }

  public String file() {
    return file;
  }

  public String key() {
    return key;
  }

  public String problem() {
    return problem;
  }

  // Values quoted from the file may span lines (block scalars); the message must not.
  private static String oneLine(String text) {
    return Objects.requireNonNullElse(text, "?").strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
