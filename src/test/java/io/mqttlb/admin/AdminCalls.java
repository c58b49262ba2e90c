package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.IntSupplier;

/** Calls to one node's admin API as the admin tests make them, with the answers' checks. */
final class AdminCalls {
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final IntSupplier port;
  private final String token;

  /** @param port the admin port (read at each call: the tests restart the node between cases) */
  AdminCalls(IntSupplier port, String token) {
    this.port = port;
    this.token = token;
  }

  /** A call with the configured token; {@code body} null sends none. */
  HttpResponse<String> call(String method, String path, String body) throws Exception {
    return call(method, path, body, token);
  }

  /** A call with {@code token} as the bearer token, or without one when it is null. */
  HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Asserts the status and returns the JSON object answered. */
  static JsonObject ok(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  /** Asserts the status and that the error message mentions {@code mentions}. */
  static void assertError(HttpResponse<String> response, int status, String mentions) {
    assertEquals(status, response.statusCode(), response.body());
    String error = new JsonObject(response.body()).getString("error");
    assertTrue(error != null && error.contains(mentions), "error should mention '" + mentions + "': " + response.body());
  }
}
