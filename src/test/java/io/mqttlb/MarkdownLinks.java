package io.mqttlb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the relative links of Markdown files as GitHub resolves them: the target file (or
 * directory) must exist, and an {@code #anchor} into a Markdown file must name one of its
 * headings, slugged as GitHub does (lower case, punctuation dropped, spaces to hyphens, a repeated
 * heading gets {@code -1}, {@code -2}, ...). Links with a scheme ({@code https:}, {@code mailto:})
 * are not followed; links inside code blocks and code spans are not links.
 *
 * <p>Stateless apart from a cache of each target file's anchors; not thread-safe.
 */
final class MarkdownLinks {

  /** A link that does not resolve: where it is, what it says, and why it is broken. */
  record Broken(Path file, int line, String target, String reason) {}

  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
  // A code span ends at the same run of backticks and never crosses a blank line, so that a stray
  // backtick cannot hide every link after it.
  private static final Pattern CODE_SPAN =
      Pattern.compile("(`+)(?!`)((?:(?!\\n[ \\t]*\\n)[\\s\\S])+?)(?<!`)\\1(?!`)");
  // [text](target "title") and ![alt](target); the text may hold one level of brackets and wrap.
  private static final Pattern INLINE_LINK = Pattern.compile(
      "!?\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]"
          + "\\(\\s*(<[^>\\n]*>|[^\\s)]+)(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern REFERENCE_DEFINITION =
      Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*(\\S+)", Pattern.MULTILINE);
  private static final Pattern HTML_ATTRIBUTE =
      Pattern.compile("<[a-zA-Z][^>]*?\\s(?:src|href)=\"([^\"]*)\"");
  private static final Pattern HTML_ANCHOR =
      Pattern.compile("<[a-zA-Z][^>]*?\\s(?:id|name)=\"([^\"]*)\"");
  private static final Pattern HEADING =
      Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

  /** Every broken relative link of {@code file}. */
  List<Broken> check(Path file) {
    String text = blankCodeSpans(withoutFences(read(file)));
    List<Broken> broken = new ArrayList<>();
    for (Pattern pattern : List.of(INLINE_LINK, REFERENCE_DEFINITION, HTML_ATTRIBUTE)) {
      Matcher m = pattern.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("<") && target.endsWith(">")) {
          target = target.substring(1, target.length() - 1);
        }
        String reason = problem(file, target);
        if (reason != null) {
          broken.add(new Broken(file, lineOf(text, m.start()), target, reason));
        }
      }
    }
    broken.sort(Comparator.comparingInt(Broken::line));
    return broken;
  }

  /** Why {@code target}, written in {@code file}, does not resolve; null when it does. */
  private String problem(Path file, String target) {
    if (target.isEmpty()) {
      return "empty link";
    }
    if (SCHEME.matcher(target).find() || target.startsWith("//")) {
      return null;
    }
    int hash = target.indexOf('#');
    String pathPart = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = file;
    if (!pathPart.isEmpty()) {
      if (pathPart.startsWith("/")) {
        return "absolute path: GitHub resolves it against the site, not the repository";
      }
      Path dir = file.toAbsolutePath().getParent();
      resolved = dir.resolve(URLDecoder.decode(pathPart, StandardCharsets.UTF_8)).normalize();
      if (!Files.exists(resolved)) {
        return "no such file: " + resolved;
      }
    }
    if (anchor == null || !resolved.toString().endsWith(".md") || Files.isDirectory(resolved)) {
      return null;
    }
    Set<String> anchors = anchorsByFile.computeIfAbsent(
        resolved.toAbsolutePath().normalize(), MarkdownLinks::anchors);
    String wanted = URLDecoder.decode(anchor, StandardCharsets.UTF_8);
    return anchors.contains(wanted)
        ? null
        : "no heading with anchor #" + wanted + " in " + resolved;
  }

  /** The anchors GitHub gives a Markdown file: one per heading, plus HTML ids and names. */
  static Set<String> anchors(Path file) {
    String text = withoutFences(read(file));
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : text.split("\n", -1)) {
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        String slug = slug(h.group(2));
        int n = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(n == 0 ? slug : slug + "-" + n);
      }
    }
    Matcher html = HTML_ANCHOR.matcher(text);
    while (html.find()) {
      anchors.add(html.group(1));
    }
    return anchors;
  }

  /**
   * GitHub's anchor for a heading's source text: the rendered text (link targets, emphasis marks
   * and HTML tags gone; a code span's content kept) in lower case, every character that is not a
   * letter, digit, mark, {@code _}, {@code -} or space dropped, and each space made a hyphen.
   * "Behind an L4 balancer, in front of EMQX: the PROXY protocol" becomes
   * "behind-an-l4-balancer-in-front-of-emqx-the-proxy-protocol".
   */
  static String slug(String heading) {
    String rendered = heading
        .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
        .replaceAll("<[^>]+>", "")
        .replace("`", "")
        .replaceAll("(\\*+|(?<![\\p{L}\\p{N}])_+|_+(?![\\p{L}\\p{N}]))", "");
    return rendered.toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}\\p{M}_\\- ]", "")
        .replace(' ', '-');
  }

  /**
   * The text with fenced code blocks blanked out, line breaks kept, so that offsets still give
   * line numbers and nothing inside a block is read as a link or a heading.
   */
  static String withoutFences(String text) {
    StringBuilder out = new StringBuilder(text.length());
    String fence = null;
    for (String line : text.split("\n", -1)) {
      Matcher f = FENCE.matcher(line);
      if (fence == null && f.find()) {
        fence = f.group(1);
        out.append('\n');
        continue;
      }
      if (fence != null) {
        boolean closes = f.find() && f.group(1).charAt(0) == fence.charAt(0)
            && f.group(1).length() >= fence.length() && line.trim().equals(f.group(1));
        if (closes) {
          fence = null;
        }
        out.append('\n');
        continue;
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }

  /** The text with each code span's characters made spaces, line breaks kept. */
  static String blankCodeSpans(String text) {
    Matcher span = CODE_SPAN.matcher(text);
    StringBuilder blanked = new StringBuilder(text.length());
    while (span.find()) {
      String spaces = span.group().replaceAll("[^\n]", " ");
      span.appendReplacement(blanked, Matcher.quoteReplacement(spaces));
    }
    span.appendTail(blanked);
    return blanked.toString();
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
