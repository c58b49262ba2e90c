package io.mqttlb.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks an {@code Authorization} header against the admin token. The scheme name is
 * case-insensitive (RFC 7235 section 2.1: {@code bearer} and {@code BEARER} are {@code Bearer}),
 * one or more spaces may follow it; the token itself is compared byte for byte in constant time
 * ({@link MessageDigest#isEqual}), so the time an answer takes says nothing about how much of a
 * guess was right.
 */
final class BearerToken {
  private static final String SCHEME = "Bearer";

  private BearerToken() {}

  /** Whether {@code header} is {@code Bearer <expected>}; false for a null header. */
  static boolean matches(String header, byte[] expected) {
    if (header == null || header.length() <= SCHEME.length()
        || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length()) || header.charAt(SCHEME.length()) != ' ') {
      return false;
    }
    int start = SCHEME.length();
    while (start < header.length() && header.charAt(start) == ' ') {
      start++;
    }
    byte[] given = header.substring(start).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }
}
