package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void columnsAreAsWideAsTheirWidestCellTwoSpacesApart() {
    String text = new TextTable("ID", "ADDRESS", "WEIGHT").rightAligned("WEIGHT")
        .row("b1", "127.0.0.1:1884", 1)
        .row("b10", "10.0.0.7:1883", 25)
        .render();
    assertEquals("""
        ID   ADDRESS         WEIGHT
        b1   127.0.0.1:1884       1
        b10  10.0.0.7:1883       25
        """, text);
  }

  @Test
  void lastColumnIsNotPaddedAndNullShowsAsDash() {
    String text = new TextTable("KEY", "EXPIRES")
        .row("a", null)
        .row("longer-key", "never")
        .render();
    assertEquals("KEY         EXPIRES\na           -\nlonger-key  never\n", text);
  }

  @Test
  void anEmptyTableIsItsHeader() {
    assertEquals("KEY  BROKER\n", new TextTable("KEY", "BROKER").render());
  }

  @Test
  void withoutHeaderAlignsNameValuePairs() {
    String text = TextTable.withoutHeader(2).row("node", "lb-1").row("members", "lb-1, lb-2").render();
    assertEquals("node     lb-1\nmembers  lb-1, lb-2\n", text);
  }

  @Test
  void widthCountsCodePointsNotUtf16Units() {
    // U+1F600 is two UTF-16 units but one character on screen.
    String text = new TextTable("KEY", "BROKER").row("\uD83D\uDE00", "b1").row("ab", "b2").render();
    assertEquals("KEY  BROKER\n\uD83D\uDE00    b1\nab   b2\n", text);
  }

  @Test
  void controlAndFormatCharactersAreShownEscapedSoEachRowStaysOneLine() {
    String text = new TextTable("KEY", "BROKER").row("a\nb\tc\u202Ed\u0000", "b1").render();
    String escaped = "a\\nb\\tc\\u202ed\\u0000";
    assertEquals("KEY" + " ".repeat(escaped.length() - 3) + "  BROKER\n" + escaped + "  b1\n", text);
    assertEquals("tag\\udb40\\udc01", TextTable.printable("tag\uDB40\uDC01"));
    assertEquals("site/7 sensor ü", TextTable.printable("site/7 sensor ü"));
  }

  @Test
  void aRowMustFillEveryColumn() {
    TextTable table = new TextTable("A", "B");
    assertThrows(IllegalArgumentException.class, () -> table.row("only one"));
    assertThrows(IllegalArgumentException.class, () -> table.rightAligned("C"));
  }
}
