package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code listeners[].websocket} keys: what they read into, and the one-line message for each bad value. */
class WebSocketConfigTest {
  private static final String FILE = "node.yaml";
  private static final String HEAD = """
      brokers:
        - {id: b1, address: 127.0.0.1:1884}
      listeners:
        - name: ws
          port: 8083
      """;

  private static WebSocketConfig websocket(String value) throws ConfigException {
    NodeConfig config = ConfigLoader.parse(HEAD + "    websocket:" + value + "\n", FILE, Map.of());
    return config.listeners().get(0).websocket();
  }

  @Test
  void anEmptyValueMeansEveryDefault() throws ConfigException {
    assertEquals(WebSocketConfig.defaults(), websocket(""));
    assertEquals(WebSocketConfig.defaults(), websocket(" {}"));
    assertEquals(new WebSocketConfig("/mqtt", List.of(), 1 << 20), WebSocketConfig.defaults());
  }

  @Test
  void readsEveryKey() throws ConfigException {
    WebSocketConfig config = websocket("\n"
        + "      path: /ws/mqtt\n"
        + "      allowedOrigins: [https://app.example.com, \"http://localhost:3000\", \"null\"]\n"
        + "      maxFrameBytes: 65536");
    assertEquals(new WebSocketConfig("/ws/mqtt",
        List.of("https://app.example.com", "http://localhost:3000", "null"), 65536), config);
  }

  @Test
  void aListenerWithoutTheKeyHasNoWebSocket() throws ConfigException {
    NodeConfig config = ConfigLoader.parse(HEAD, FILE, Map.of());
    assertFalse(config.listeners().get(0).hasWebSocket());
  }

  @Test
  void originsCompareCaseInsensitivelyAndAnEmptyListAllowsAny() {
    WebSocketConfig strict = new WebSocketConfig("/mqtt", List.of("https://app.example.com"), 1024);
    assertTrue(strict.allowsOrigin("https://APP.example.com"));
    assertFalse(strict.allowsOrigin("https://app.example.com:8443"));
    assertFalse(strict.allowsOrigin("http://app.example.com"));
    assertFalse(strict.allowsOrigin("null"));
    assertTrue(WebSocketConfig.defaults().allowsOrigin("https://anywhere.example"));
  }

  static Stream<Arguments> badValues() {
    String at = "listeners[0].websocket";
    return Stream.of(
        Arguments.of("a list", " [/mqtt]", at, "expected a mapping of path, allowedOrigins, maxFrameBytes; got a list"),
        Arguments.of("an unknown key", " {paths: /mqtt}", at + ".paths",
            "unknown key 'paths'; expected one of path, allowedOrigins, maxFrameBytes"),
        Arguments.of("an empty path", " {path: ''}", at + ".path", "must not be empty"),
        Arguments.of("a relative path", " {path: mqtt}", at + ".path", "'mqtt' must start with /"),
        Arguments.of("a path with a query", " {path: '/mqtt?x=1'}", at + ".path",
            "'/mqtt?x=1' must be a path alone, without query, fragment or spaces"),
        Arguments.of("origins as text", " {allowedOrigins: https://a.example}", at + ".allowedOrigins",
            "expected a list; got 'https://a.example'"),
        Arguments.of("an origin with a path", " {allowedOrigins: [https://a.example, 'https://b.example/']}",
            at + ".allowedOrigins[1]",
            "'https://b.example/' is not an origin: write scheme://host or scheme://host:port, without a path,"
                + " as browsers send it"),
        Arguments.of("a host without scheme", " {allowedOrigins: [app.example.com]}", at + ".allowedOrigins[0]",
            "'app.example.com' is not an origin: write scheme://host or scheme://host:port, without a path,"
                + " as browsers send it"),
        Arguments.of("frames too small for a CONNECT", " {maxFrameBytes: 100}", at + ".maxFrameBytes",
            "must be at least 256, got 100"),
        Arguments.of("frames as text", " {maxFrameBytes: 1MB}", at + ".maxFrameBytes", "expected a whole number; got '1MB'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void aBadValueIsOneLineNamingItsKey(String name, String value, String key, String problem) {
    ConfigException e = assertThrows(ConfigException.class, () -> websocket(value));
    assertEquals(key, e.key(), e.getMessage());
    assertEquals(problem, e.problem());
    assertEquals(FILE + ": " + key + ": " + problem, e.getMessage());
  }
}
