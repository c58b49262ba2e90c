package io.mqttlb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API's error answers on a router of calls made to fail: a fault on the node's side is a
 * JSON 500 and is counted, a client's mistake is a JSON 4xx and is not.
 */
class AdminErrorsTest {
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final int MAX_BODY_BYTES = 16;
  private static final Metrics metrics = new Metrics();
  private static Vertx vertx;
  private static HttpServer server;

  @BeforeAll
  static void startServer() {
    vertx = Vertx.vertx();
    Router web = Router.router(vertx);
    web.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    web.get("/throws").handler(ctx -> {
      throw new IllegalStateException("a bug in a handler");
    });
    web.get("/fails").handler(ctx -> ctx.fail(new IllegalStateException("a failed blocking call")));
    web.put("/body").handler(ctx -> ctx.response().end());
    AdminErrors.mount(web, MAX_BODY_BYTES, metrics);
    server = vertx.createHttpServer().requestHandler(web).listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stopServer() {
    vertx.close().await();
  }

  private static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFaultOfTheNodeIsAJson500AndCountedAndAClientsMistakeIsNot() throws Exception {
    double before = metrics.adminInternalErrorCount();

    for (String path : new String[] {"/throws", "/fails"}) {
      HttpResponse<String> fault = call("GET", path, null);
      assertEquals(500, fault.statusCode(), path);
      assertEquals("internal error", new JsonObject(fault.body()).getString("error"), path);
    }
    assertEquals(before + 2, metrics.adminInternalErrorCount(), "both faults counted");

    HttpResponse<String> missing = call("GET", "/nothing", null);
    assertEquals(404, missing.statusCode());
    assertEquals("no such call: GET /nothing", new JsonObject(missing.body()).getString("error"));
    HttpResponse<String> wrongMethod = call("DELETE", "/throws", null);
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("method not allowed: DELETE /throws", new JsonObject(wrongMethod.body()).getString("error"));
    HttpResponse<String> tooLarge = call("PUT", "/body", "x".repeat(MAX_BODY_BYTES + 1));
    assertEquals(413, tooLarge.statusCode());
    assertEquals("the request body is larger than " + MAX_BODY_BYTES + " bytes",
        new JsonObject(tooLarge.body()).getString("error"));
    assertEquals(before + 2, metrics.adminInternalErrorCount(), "a client's mistakes are not the node's faults");
    assertEquals(1, metrics.scrape().lines().filter(line -> line.startsWith(Metrics.ADMIN_INTERNAL_ERRORS + "_total ")).count(),
        metrics.scrape());
  }
}
