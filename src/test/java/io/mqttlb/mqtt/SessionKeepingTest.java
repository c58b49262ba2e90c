package io.mqttlb.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which golden CONNECT vectors keep a session ({@link ConnectInfo#keepsNoSession}): the flag and the MQTT 5
 * Session Expiry Interval the parser reads decide it, so each case is a real CONNECT, parsed.
 */
class SessionKeepingTest {
  private static final ConnectParser PARSER = new ConnectParser(ConnectParser.DEFAULT_MAX_CONNECT_BYTES);

  /** Vector name, then whether its session ends with the connection. */
  private static final Map<String, Boolean> KEEPS_NO_SESSION = Map.ofEntries(
      Map.entry("3.1.1 minimal", true),                                            // clean session 1
      Map.entry("3.1.1 persistent session, user name and password", false),        // clean session 0
      Map.entry("3.1 minimal", true),                                              // 3.1 has the same flag
      Map.entry("3.1.1 empty client id with clean session", true),
      Map.entry("5 minimal", true),                                                // clean start 1, no expiry: 0
      Map.entry("5 clean start with session expiry 0", true),                      // written out as 0
      Map.entry("5 clean start with session expiry 300", false),                   // outlives the connection
      Map.entry("5 user properties and session expiry", false),                    // clean start 1, never expires
      Map.entry("5 every numeric CONNECT property", false),                        // clean start 0, expiry 3600
      Map.entry("5 empty client id without clean start passes (the server assigns or refuses it)", false));

  static Stream<Arguments> cases() {
    return KEEPS_NO_SESSION.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}: keeps no session {1}")
  @MethodSource("cases")
  void aGoldenConnectSaysWhetherItsSessionOutlivesTheConnection(String name, boolean keepsNoSession) {
    ConnectParserGoldenTest.Vector vector = ConnectParserGoldenTest.VALID.stream()
        .filter(v -> v.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no golden vector named " + name));
    ConnectResult result = PARSER.parse(vector.bytes());
    assertEquals(keepsNoSession, result.info().keepsNoSession(), name);
  }

  @Test
  void cleanStartZeroResumesASessionWhateverItsExpiry() {
    // A client that resumes (clean start 0) with expiry 0 still finds the session an earlier connection left.
    ConnectInfo resuming = new ConnectInfo("MQTT", 5, "c", null, false, false, 60, 0, false, 0, false, List.of(), 16);
    assertEquals(false, resuming.keepsNoSession());
  }
}
