package io.mqttlb.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * MQTT.js, the browser bundle, as a web page's MQTT client in headless Chromium. A test HTTP server
 * on {@code 127.0.0.1} (ephemeral port) serves the page and the bundle; the page connects to a
 * {@code ws://} or {@code wss://} URL with the session's client id and protocol version, subscribes
 * to the broker's retained marker ({@link MosquittoBroker#MARKER_TOPIC}) and to its own topic,
 * publishes to its own topic, and POSTs back what came of it: the broker's id, its own message as
 * the broker delivered it back, or the first error. The browser is killed once the outcome is in,
 * or after {@link #TIMEOUT}. One browser, server and profile per call.
 */
public final class BrowserMqttClient {
  /** A session takes about a second on an idle machine; the rest is room for a busy one. */
  public static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final String PAGE = "mqttjs-client.html";

  private BrowserMqttClient() {
  }

  /**
   * What the page does.
   *
   * @param url a {@code ws://} or {@code wss://} address with the WebSocket path, as MQTT.js takes it
   * @param protocolVersion 4 (MQTT 3.1.1) or 5
   * @param trusted certificates the browser accepts although no system root vouches for them
   */
  public record Session(URI url, String clientId, int protocolVersion, List<X509Certificate> trusted) {
    public Session {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(clientId, "clientId");
      if (protocolVersion != 4 && protocolVersion != 5) {
        throw new IllegalArgumentException("protocolVersion must be 4 or 5, not " + protocolVersion);
      }
      trusted = List.copyOf(trusted);
    }

    /** The topic the page publishes to and subscribes to. */
    public String topic() {
      return "browser/" + clientId;
    }

    /** What the page publishes. */
    public String payload() {
      return "hello from " + clientId + " over MQTT " + (protocolVersion == 5 ? "5" : "3.1.1");
    }

    /**
     * The user properties the page publishes with: one under MQTT 5, none under 3.1.1, which has
     * none. Their return shows that every hop spoke version 5.
     */
    public Map<String, String> userProperties() {
      return protocolVersion == 5 ? Map.of("sentBy", "mqtt.js") : Map.of();
    }
  }

  /**
   * What the page reported. {@code error} is null when the round trip finished; {@code marker} is
   * the id of the broker the connection reached; {@code echo} is the page's own message as it came
   * back, with its MQTT 5 user properties (empty under 3.1.1); {@code browserLog} is Chromium's log
   * with the page's console, for failure messages.
   */
  public record Outcome(String error, boolean connected, String marker, String echo,
                        Map<String, String> echoUserProperties, String browserLog) {

    public boolean succeeded() {
      return error == null;
    }

    /** For assertion messages: the outcome and the page's console lines. */
    public String describe() {
      String console = browserLog.lines().filter(line -> line.contains(":CONSOLE"))
          .collect(Collectors.joining("\n  "));
      return "error=" + error + ", connected=" + connected + ", marker=" + marker + ", echo=" + echo
          + ", userProperties=" + echoUserProperties + "\n page console:\n  " + console;
    }
  }

  /** Runs the session in a fresh browser and returns what the page reported, or a timeout error. */
  public static Outcome run(Session session) {
    return run(session, 0);
  }

  /**
   * As {@link #run(Session)}, with the page served on {@code pagePort} (0: any free port), so that
   * its origin, {@code http://127.0.0.1:pagePort}, is known beforehand (to allow it on a listener).
   */
  public static Outcome run(Session session, int pagePort) {
    byte[] bundle = read(MqttJsBundle.file());
    byte[] page = pageHtml();
    CompletableFuture<String> result = new CompletableFuture<>();
    HttpServer server = startServer(pagePort, page, bundle, result);
    try {
      URI pageUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/?"
          + query(Map.of(
              "url", session.url().toString(),
              "clientId", session.clientId(),
              "protocolVersion", Integer.toString(session.protocolVersion()),
              "markerTopic", MosquittoBroker.MARKER_TOPIC,
              "topic", session.topic(),
              "payload", session.payload(),
              "userProperties", new JsonObject(new LinkedHashMap<String, Object>(session.userProperties())).encode())));
      try (LoopbackChromium browser = LoopbackChromium.open(pageUri, session.trusted())) {
        String json;
        try {
          json = result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          return new Outcome("the page reported nothing within " + TIMEOUT, false, null, null, Map.of(), browser.log());
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while the browser ran", e);
        }
        return outcome(new JsonObject(json), browser.log());
      }
    } finally {
      server.stop(0);
    }
  }

  private static Outcome outcome(JsonObject report, String log) {
    Map<String, String> userProperties = new LinkedHashMap<>();
    JsonObject properties = report.getJsonObject("echoUserProperties");
    if (properties != null) {
      // MQTT.js gives a property that occurs once as a string and a repeated one as an array.
      properties.forEach(entry -> userProperties.put(entry.getKey(), String.valueOf(entry.getValue())));
    }
    return new Outcome(report.getString("error"), report.getBoolean("connected", false), report.getString("marker"),
        report.getString("echo"), Map.copyOf(userProperties), log);
  }

  private static HttpServer startServer(int port, byte[] page, byte[] bundle, CompletableFuture<String> result) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      try (exchange) {
        switch (exchange.getRequestURI().getPath()) {
          case "/" -> respond(exchange, 200, "text/html; charset=utf-8", page);
          case "/mqtt.min.js" -> respond(exchange, 200, "text/javascript; charset=utf-8", bundle);
          case "/result" -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
              respond(exchange, 405, "text/plain", new byte[0]);
              return;
            }
            result.complete(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            respond(exchange, 204, "text/plain", new byte[0]);
          }
          default -> respond(exchange, 404, "text/plain", new byte[0]);
        }
      }
    });
    server.start();
    return server;
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length); // -1: no body
    exchange.getResponseBody().write(body);
  }

  private static String query(Map<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static byte[] pageHtml() {
    try (InputStream in = BrowserMqttClient.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + PAGE + " is missing next to " + BrowserMqttClient.class.getName());
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
