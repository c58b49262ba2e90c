package io.mqttlb.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rows of text in aligned columns, two spaces apart, for people reading a terminal:
 *
 * <pre>
 *   new TextTable("ID", "ADDRESS", "WEIGHT").rightAligned("WEIGHT")
 *       .row("b1", "127.0.0.1:1884", 1)
 *       .row("b10", "10.0.0.7:1883", 25)
 *       .render()
 *
 *   ID   ADDRESS         WEIGHT
 *   b1   127.0.0.1:1884       1
 *   b10  10.0.0.7:1883       25
 * </pre>
 *
 * A cell may hold anything a user typed (table keys are arbitrary MQTT strings), so control and
 * format characters are shown escaped: a newline or a right-to-left override in a key must not
 * break the rows or reorder the terminal. Width counts code points, so a column holding
 * East Asian wide characters can come out narrower than it looks. The last column is not padded,
 * so lines carry no trailing blanks. Not thread-safe; build, render, drop.
 */
final class TextTable {
  private static final String GAP = "  ";

  private final List<String> header;
  private final boolean showHeader;
  private final Set<Integer> rightAligned = new HashSet<>();
  private final List<List<String>> rows = new ArrayList<>();

  /** A table whose first line names the columns. */
  TextTable(String... header) {
    this(List.of(header), true);
  }

  private TextTable(List<String> header, boolean showHeader) {
    if (header.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.header = header;
    this.showHeader = showHeader;
  }

  /** A table of {@code columns} columns with no header line, e.g. "name  value" pairs. */
  static TextTable withoutHeader(int columns) {
    return new TextTable(Collections.nCopies(columns, ""), false);
  }

  /** Aligns the named columns to the right, as numbers read best. */
  TextTable rightAligned(String... columns) {
    for (String column : columns) {
      int index = header.indexOf(column);
      if (index < 0) {
        throw new IllegalArgumentException("no column " + column + " in " + header);
      }
      rightAligned.add(index);
    }
    return this;
  }

  /** Adds a row; {@code null} cells show as "-". */
  TextTable row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size() + " columns: "
          + Arrays.toString(cells));
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object cell : cells) {
      row.add(cell == null ? "-" : printable(String.valueOf(cell)));
    }
    rows.add(row);
    return this;
  }

  int rowCount() {
    return rows.size();
  }

  /** The table as lines, each ending in a newline; just the header when there are no rows. */
  String render() {
    List<List<String>> lines = new ArrayList<>();
    if (showHeader) {
      lines.add(header);
    }
    lines.addAll(rows);
    int[] widths = new int[header.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], width(line.get(i)));
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> line : lines) {
      int last = widths.length - 1;
      for (int i = 0; i <= last; i++) {
        String cell = line.get(i);
        String padding = " ".repeat(widths[i] - width(cell));
        if (i > 0) {
          out.append(GAP);
        }
        if (rightAligned.contains(i)) {
          out.append(padding).append(cell);
        } else {
          out.append(cell).append(i == last ? "" : padding);
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  /**
   * {@code text} with control characters (C0, C1), format characters (zero-width, bidi overrides)
   * and line or paragraph separators written as Java escapes, so that it stays on one line and
   * shows what it holds: a newline shows as backslash-n, U+202E as backslash-u202e.
   */
  static String printable(String text) {
    if (text.codePoints().noneMatch(TextTable::needsEscape)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    text.codePoints().forEach(c -> {
      if (!needsEscape(c)) {
        out.appendCodePoint(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (Character.isBmpCodePoint(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        // Java escapes are UTF-16 units: a supplementary character is written as its surrogate pair.
        out.append(String.format("\\u%04x\\u%04x", (int) Character.highSurrogate(c), (int) Character.lowSurrogate(c)));
      }
    });
    return out.toString();
  }

  private static boolean needsEscape(int c) {
    int type = Character.getType(c);
    return Character.isISOControl(c) || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static int width(String cell) {
    return cell.codePointCount(0, cell.length());
  }
}
