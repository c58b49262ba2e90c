package io.mqttlb.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in a configuration value, shell style:
 *
 * <pre>
 *   env {PORT=1884}, EMPTY=""
 *   "${PORT}"            -> "1884"
 *   "${PORT:-1883}"      -> "1884"
 *   "${MISSING:-1883}"   -> "1883"       (unset or empty: the default)
 *   "${EMPTY:-x}"        -> "x"
 *   "${EMPTY}"           -> ""
 *   "${MISSING}"         -> error naming MISSING
 *   "${MISSING:-}"       -> ""
 *   "a$${PORT}b"         -> "a${PORT}b"  ($$ escapes a literal "${")
 *   "cost: $5"           -> "cost: $5"   (a '$' not followed by '{' is kept)
 * </pre>
 *
 * A default runs to the first '}' and is not itself substituted.
 */
final class EnvSubstitution {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String FORMS = "write ${NAME} or ${NAME:-default}";

  private EnvSubstitution() {}

  /** @throws IllegalArgumentException with the problem, for an unset variable or a malformed reference */
  static String apply(String text, Map<String, String> env) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (c == '$' && text.startsWith("${", i)) {
        int close = text.indexOf('}', i + 2);
        if (close < 0) {
          throw new IllegalArgumentException("unclosed " + Require.quote(text.substring(i)) + " (" + FORMS + ")");
        }
        String reference = text.substring(i + 2, close);
        int dash = reference.indexOf(":-");
        String name = dash < 0 ? reference : reference.substring(0, dash);
        if (!NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("malformed " + Require.quote("${" + reference + "}") + " (" + FORMS + ")");
        }
        String value = env.get(name);
        if (dash >= 0) {
          out.append(value == null || value.isEmpty() ? reference.substring(dash + 2) : value);
        } else if (value != null) {
          out.append(value);
        } else {
          throw new IllegalArgumentException("environment variable " + name
              + " is not set (set it, or write ${" + name + ":-default})");
        }
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
