package io.mqttlb.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The page of a {@link LoopbackChromium#openForDevTools} browser, driven over the Chrome DevTools
 * protocol (a WebSocket on loopback): navigate, evaluate JavaScript in the page (to read its DOM, or
 * click its buttons as a user would), and collect every problem the page had from the moment this
 * is attached: uncaught exceptions, {@code console.error}, and the browser's own error entries
 * (a file that failed to load). Each command waits at most {@link #COMMAND_TIMEOUT}.
 */
public final class DevToolsPage implements AutoCloseable {
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private volatile CompletableFuture<JsonObject> awaitingLoad;

  private DevToolsPage(WebSocket.Builder builder, URI target) {
    this.socket = builder.buildAsync(target, new Listener()).join();
  }

  /** Attaches to the browser's page and starts collecting its problems. */
  public static DevToolsPage attach(LoopbackChromium browser) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI list = URI.create("http://127.0.0.1:" + browser.devToolsPort() + "/json/list");
    JsonArray targets;
    try {
      targets = new JsonArray(http.send(HttpRequest.newBuilder(list).timeout(COMMAND_TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      throw new IllegalStateException("cannot list chromium's DevTools targets at " + list + ": " + e, e);
    }
    for (int i = 0; i < targets.size(); i++) {
      JsonObject target = targets.getJsonObject(i);
      if ("page".equals(target.getString("type"))) {
        DevToolsPage page = new DevToolsPage(http.newWebSocketBuilder().connectTimeout(COMMAND_TIMEOUT),
            URI.create(target.getString("webSocketDebuggerUrl")));
        page.command("Runtime.enable", new JsonObject());
        page.command("Log.enable", new JsonObject());
        page.command("Page.enable", new JsonObject());
        return page;
      }
    }
    throw new IllegalStateException("chromium shows no page: " + targets.encode());
  }

  /** Loads {@code page} and waits for its load event. */
  public void navigate(URI page) {
    CompletableFuture<JsonObject> loaded = new CompletableFuture<>();
    awaitingLoad = loaded;
    command("Page.navigate", new JsonObject().put("url", page.toString()));
    await(loaded, "the load of " + page);
  }

  /**
   * The value of a JavaScript expression in the page (a promise is awaited), as JSON gives it:
   * a String, Boolean, Number, JsonObject, JsonArray or null. An expression that throws fails the call.
   */
  public Object evaluate(String expression) {
    JsonObject result = command("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IllegalStateException("the page threw on " + expression + ": " + describe(result.getJsonObject("exceptionDetails")));
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** {@link #evaluate} for an expression whose value is a string (or null). */
  public String text(String expression) {
    Object value = evaluate(expression);
    return value == null ? null : String.valueOf(value);
  }

  /** Writes a PNG of the page as shown in a window of this size, for a person to look at. */
  public void screenshot(Path png, int width, int height) {
    command("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
        .put("deviceScaleFactor", 1).put("mobile", false));
    String data = command("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      Files.write(png, Base64.getDecoder().decode(data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every problem the page had so far, one line each. */
  public synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  private synchronized void problem(String line) {
    problems.add(line);
  }

  private JsonObject command(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true);
    JsonObject message = await(answer, method);
    if (message.containsKey("error")) {
      throw new IllegalStateException(method + " failed: " + message.getJsonObject("error").encode());
    }
    return message.getJsonObject("result", new JsonObject());
  }

  private static JsonObject await(CompletableFuture<JsonObject> future, String what) {
    try {
      return future.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("chromium did not finish " + what + " within " + COMMAND_TIMEOUT);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + what, e);
    }
  }

  private void onMessage(JsonObject message) {
    if (message.containsKey("id")) {
      CompletableFuture<JsonObject> answer = pending.remove(message.getInteger("id"));
      if (answer != null) {
        answer.complete(message);
      }
      return;
    }
    JsonObject params = message.getJsonObject("params", new JsonObject());
    switch (message.getString("method", "")) {
      case "Runtime.exceptionThrown" -> problem("uncaught: " + describe(params.getJsonObject("exceptionDetails")));
      case "Runtime.consoleAPICalled" -> {
        String type = params.getString("type");
        if ("error".equals(type) || "assert".equals(type)) {
          List<String> args = new ArrayList<>();
          params.getJsonArray("args", new JsonArray()).forEach(arg -> {
            JsonObject a = (JsonObject) arg;
            args.add(String.valueOf(a.containsKey("value") ? a.getValue("value") : a.getString("description")));
          });
          problem("console." + type + ": " + String.join(" ", args));
        }
      }
      case "Log.entryAdded" -> {
        JsonObject entry = params.getJsonObject("entry");
        if ("error".equals(entry.getString("level"))) {
          problem("log " + entry.getString("source") + ": " + entry.getString("text") + " at " + entry.getString("url"));
        }
      }
      case "Page.loadEventFired" -> {
        CompletableFuture<JsonObject> loaded = awaitingLoad;
        if (loaded != null) {
          loaded.complete(params);
        }
      }
      default -> { }
    }
  }

  private static String describe(JsonObject details) {
    JsonObject exception = details.getJsonObject("exception");
    String text = exception != null && exception.getString("description") != null ? exception.getString("description")
        : details.getString("text");
    return text + " (" + details.getString("url", "?") + ":" + details.getInteger("lineNumber", -1) + ")";
  }

  @Override
  public void close() {
    socket.abort();
  }

  /** Puts a message's fragments together; hands each whole message on. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = new JsonObject(partial.toString());
        partial.setLength(0);
        onMessage(message);
      }
      webSocket.request(1);
      return null;
    }
  }
}
