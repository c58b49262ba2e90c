package io.mqttlb.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * Calls one node's admin HTTP API and turns every way a call can go wrong into an
 * {@link AdminCallFailed} whose message a user can act on: {@code 401: wrong bearer token} from the
 * node's JSON error, or {@code cannot reach the admin API at http://...: connection refused}.
 * One client per command run; calls block.
 */
final class AdminClient {
  /** A node that does not accept within this is as good as down, and the user is waiting. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Generous: the largest call, a table page of 10000 entries, answers in milliseconds. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_ERROR_TEXT = 200;

  private final URI base;
  private final String token;
  private final HttpClient http;

  /**
   * @param base the admin API root, e.g. {@code http://127.0.0.1:8080}, without a trailing '/'
   * @param token the bearer token, or null or blank to send none
   */
  AdminClient(URI base, String token) {
    this(base, token, null);
  }

  /**
   * @param tls for an https URL whose certificate chains to a CA of one's own ({@code --cacert}), a
   *     context trusting that CA; null for the JVM's trusted CAs. The host name is always verified.
   */
  AdminClient(URI base, String token, SSLContext tls) {
    this.base = base;
    this.token = token == null || token.isBlank() ? null : token.strip();
    // The admin server speaks HTTP/1.1; asking for h2c would only add an upgrade round trip.
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
  }

  AdminAnswer get(ApiPath path) throws AdminCallFailed {
    return send(request(path).GET());
  }

  AdminAnswer put(ApiPath path, JsonObject body) throws AdminCallFailed {
    return send(request(path)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  AdminAnswer post(ApiPath path, JsonObject body) throws AdminCallFailed {
    return send(request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  AdminAnswer delete(ApiPath path) throws AdminCallFailed {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(ApiPath path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path.toString()))
        .timeout(ANSWER_TIMEOUT)
        .header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  private AdminAnswer send(HttpRequest.Builder builder) throws AdminCallFailed {
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AdminCallFailed("cannot reach the admin API at " + base + ": " + describe(e, base));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminCallFailed("interrupted while calling " + base);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw new AdminCallFailed(status + ": " + errorMessage(response.body()));
    }
    return new AdminAnswer(request.uri().toString(), status, response.body());
  }

  /** The node's {@code {"error": "..."}}, or the start of whatever else answered. */
  private static String errorMessage(String body) {
    try {
      String error = new JsonObject(body).getString("error");
      if (error != null && !error.isBlank()) {
        return TextTable.printable(error);
      }
    } catch (DecodeException | ClassCastException e) {
      // not an mqttlb error answer; show the text itself below
    }
    String text = body == null ? "" : body.strip();
    if (text.isEmpty()) {
      return "no error message in the answer";
    }
    String line = text.lines().findFirst().orElse("");
    return TextTable.printable(line.length() > MAX_ERROR_TEXT ? line.substring(0, MAX_ERROR_TEXT) + "..." : line);
  }

  /**
   * The JDK wraps the interesting failure, often with a null message of its own: connection
   * refused arrives as a ConnectException without a message, an unknown host as the same wrapping
   * an UnresolvedAddressException, also without one.
   */
  private static String describe(IOException failure, URI base) {
    if (failure instanceof HttpConnectTimeoutException) {
      return "no connection within " + CONNECT_TIMEOUT.toSeconds() + "s";
    }
    if (failure instanceof HttpTimeoutException) {
      return "no answer within " + ANSWER_TIMEOUT.toSeconds() + "s";
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLHandshakeException) {
        return "TLS handshake failed (" + cause.getMessage() + "); for a certificate from your own CA give --cacert FILE";
      }
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException) {
        return "unknown host " + base.getHost();
      }
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        // Java 17's HttpClient reports a refused connection as a ConnectException without a message.
        return cause.getMessage() == null ? "connection refused" : cause.getMessage().toLowerCase(Locale.ROOT);
      }
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        return cause.getMessage();
      }
    }
    return failure.getClass().getSimpleName();
  }
}
