package io.mqttlb.loadtest.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Calls one node's admin HTTP API with the bearer token, if any; bounded by {@link #TIMEOUT}. Thread-safe. */
final class AdminHttp {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** An answer as it came: status and body. */
  record Reply(int status, String body) {
  }

  // HTTP/1.1: the JDK client's default HTTP/2 upgrade attempt is answered by the admin server in a
  // way the JDK client cannot read, and the call then never completes.
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();
  private final String token;

  AdminHttp(String token) {
    this.token = token == null || token.isEmpty() ? null : token;
  }

  Reply get(URI base, String path) throws IOException, InterruptedException {
    return send(request(base, path).GET());
  }

  Reply post(URI base, String path, String json) throws IOException, InterruptedException {
    HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json);
    return send(request(base, path).header("content-type", "application/json").POST(body));
  }

  private HttpRequest.Builder request(URI base, String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  /** Bounded even when the server never finishes its answer (the request timeout covers only the headers). */
  private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<String>> call = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    try {
      HttpResponse<String> response = call.get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new Reply(response.statusCode(), response.body());
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new IOException("no complete answer within " + 2 * TIMEOUT.toSeconds() + " s");
    }
  }
}
