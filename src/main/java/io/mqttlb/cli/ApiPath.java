package io.mqttlb.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The path and query of one admin API call, percent-encoded, e.g.
 * {@code ApiPath.of("/api/v1/table").segment("site/7 ü").query("limit", 5)} is
 * {@code /api/v1/table/site%2F7%20%C3%BC?limit=5}. Segments and query values are user text (table
 * keys are any MQTT string), so each is encoded whole: a '/' in a key stays inside its segment.
 * Immutable.
 */
final class ApiPath {
  private final String path;
  private final String query;

  private ApiPath(String path, String query) {
    this.path = path;
    this.query = query;
  }

  /** A fixed path, written already encoded, such as {@code /api/v1/status}. */
  static ApiPath of(String fixedPath) {
    return new ApiPath(fixedPath, "");
  }

  /** This path with one more segment holding {@code text}. */
  ApiPath segment(String text) {
    return new ApiPath(path + "/" + encode(text), query);
  }

  /** This path with {@code name=value} in its query, or unchanged when {@code value} is null. */
  ApiPath query(String name, Object value) {
    if (value == null) {
      return this;
    }
    return new ApiPath(path, query + (query.isEmpty() ? "?" : "&") + encode(name) + "=" + encode(String.valueOf(value)));
  }

  /**
   * Percent-encodes everything but letters, digits and {@code -._*}. {@link URLEncoder} writes a
   * space as '+', which means a space only in a form-encoded query; %20 means one everywhere.
   */
  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return path + query;
  }
}
