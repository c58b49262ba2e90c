package io.mqttlb.loadtest.report;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The HTML report of a run, made from its summary.json. This is a minimal placeholder page (the
 * totals as a table, the summary itself below); the report with charts replaces its body and keeps
 * this signature.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static void write(Path summaryJson, Path html) throws IOException {
    JsonObject summary = new JsonObject(Files.readString(summaryJson));
    StringBuilder rows = new StringBuilder();
    JsonObject totals = summary.getJsonObject("totals", new JsonObject());
    totals.forEach(e -> rows.append("<tr><th>").append(escape(e.getKey())).append("</th><td>")
        .append(escape(String.valueOf(e.getValue()))).append("</td></tr>\n"));
    String page = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>"
        + escape(summary.getString("simulation", "load test")) + "</title></head><body>\n"
        + "<h1>" + escape(summary.getString("simulation", "load test")) + "</h1>\n"
        + "<p>" + (summary.getBoolean("ok", false) ? "All assertions hold." : "An assertion failed.") + "</p>\n"
        + "<table>\n" + rows + "</table>\n"
        + "<pre>" + escape(summary.encodePrettily()) + "</pre>\n</body></html>\n";
    Files.writeString(html, page);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
