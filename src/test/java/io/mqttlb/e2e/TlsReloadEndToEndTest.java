package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.metrics.Metrics.TlsMeters;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.TestPki;
import io.mqttlb.testing.TlsClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates replaced while the node runs. Listener {@code api} reads plain files and is reloaded
 * by {@code POST /api/v1/listeners/api/reload}; listener {@code watched} reads a Kubernetes-style
 * secret (files behind a {@code ..data} symlink that is swapped to a new directory in one rename)
 * every second. New handshakes get the new certificate; a connection made before keeps working; a
 * bad new file leaves the previous certificate in use, and the API says why.
 */
@EndToEnd
class TlsReloadEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  static Path dir;
  private static TestPki pki;
  private static Path apiCert;
  private static Path apiKey;
  private static Path secret;
  private static LocalTier tier;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "reload");
    TestPki.Issued first = pki.server("first", "localhost", "127.0.0.1");
    Path api = Files.createDirectories(dir.resolve("api"));
    apiCert = Files.copy(first.certPath(), api.resolve("tls.crt"));
    apiKey = Files.copy(first.keyPath(), api.resolve("tls.key"));
    secret = Files.createDirectories(dir.resolve("secret"));
    swapSecret(first, "..v1");
    Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data/tls.key"));
    tier = LocalTier.start(1, config -> config.withListeners(List.of(
        new ListenerConfig("api", "127.0.0.1", 0)
            .withTls(TlsConfig.of(apiCert.toString(), apiKey.toString()).withWatchInterval(Duration.ZERO)),
        new ListenerConfig("watched", "127.0.0.1", 0).withTls(TlsConfig.of(secret.resolve("tls.crt").toString(),
            secret.resolve("tls.key").toString()).withWatchInterval(Duration.ofSeconds(1))),
        new ListenerConfig("plain", "127.0.0.1", 0))));
  }

  @AfterAll
  static void stop() throws Exception {
    if (tier != null) {
      tier.close();
    }
  }

  @Test
  void theReloadCallPresentsTheNewCertificateToNewHandshakesAndKeepsExistingConnections() throws Exception {
    X509Certificate before = presented("api");
    Mqtt5BlockingClient existing = TlsClients.mqtt5("before-reload", port("api"), TlsClients.ssl(pki.caPath()));
    existing.connect();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = existing.publishes(MqttGlobalPublishFilter.ALL)) {
      existing.subscribeWith().topicFilter("reload/t").qos(MqttQos.AT_LEAST_ONCE).send();
      TestPki.Issued renewed = pki.server("renewed", "localhost", "127.0.0.1");
      Files.copy(renewed.certPath(), apiCert, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(renewed.keyPath(), apiKey, StandardCopyOption.REPLACE_EXISTING);
      assertEquals(before, presented("api"), "the files are not watched: nothing changes before the call");
      double reloads = meters("api").reloadCount(true);

      JsonObject answer = reload("api", 200);
      assertEquals("api", answer.getString("listener"));
      assertEquals(true, answer.getBoolean("changed"));
      JsonObject certificate = answer.getJsonArray("certificates").getJsonObject(0);
      assertEquals("default", certificate.getString("servedFor"));
      assertEquals(renewed.certificate().getSerialNumber().toString(16), certificate.getString("serial"));
      assertEquals(renewed.certificate().getSubjectX500Principal().getName(), certificate.getString("subject"));
      assertEquals(renewed.certificate().getNotAfter().toInstant().toString(), certificate.getString("notAfter"));
      assertEquals(new JsonArray(List.of("localhost", "127.0.0.1")), certificate.getJsonArray("names"));
      assertEquals(reloads + 1, meters("api").reloadCount(true));
      assertEquals(renewed.certificate(), presented("api"));
      assertEquals(renewed.certificate().getNotAfter().toInstant().getEpochSecond(), expiryGauge("api"), "the expiry gauge follows");

      // The connection made with the previous certificate still relays both ways.
      existing.publishWith().topic("reload/t").qos(MqttQos.AT_LEAST_ONCE).payload("still here".getBytes(StandardCharsets.UTF_8)).send();
      Optional<Mqtt5Publish> received = publishes.receive(10, TimeUnit.SECONDS);
      assertEquals("still here", received.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).orElse(null));
    } finally {
      existing.disconnect();
    }
  }

  @Test
  void aBadNewFileKeepsThePreviousCertificateAndTheCallSaysWhy() throws Exception {
    reload("api", 200);
    X509Certificate inUse = presented("api");
    byte[] goodKey = Files.readAllBytes(apiKey);
    double failed = meters("api").reloadCount(false);
    TestPki.Issued stranger = pki.server("stranger", "localhost");
    try {
      Files.copy(stranger.keyPath(), apiKey, StandardCopyOption.REPLACE_EXISTING);
      JsonObject refused = reload("api", 422);
      assertEquals("tls.keyPath: " + apiKey + ": the private key does not belong to the certificate in " + apiCert
          + " (" + inUse.getSubjectX500Principal().getName() + ")", refused.getString("error"));
      assertEquals(inUse.getSerialNumber().toString(16),
          refused.getJsonArray("certificatesInUse").getJsonObject(0).getString("serial"));
      assertEquals(inUse, presented("api"));

      Files.writeString(apiKey, "not a key");
      assertEquals("tls.keyPath: " + apiKey + ": no private key in it (expected a -----BEGIN PRIVATE KEY-----,"
          + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY----- block)", reload("api", 422).getString("error"));
      assertEquals(failed + 2, meters("api").reloadCount(false));
      assertEquals(inUse, presented("api"));
    } finally {
      Files.write(apiKey, goodKey);
    }
    assertEquals(false, reload("api", 200).getBoolean("changed"));
  }

  @Test
  void aWatchedSecretSwappedByItsSymlinkIsLoadedAndABadOneOnlyOnce() throws Exception {
    TestPki.Issued second = pki.server("second", "localhost", "127.0.0.1");
    swapSecret(second, "..v2");
    Await.until("the watched listener presents the new certificate", () -> second.certificate().equals(presentedQuietly("watched")));

    double failed = meters("watched").reloadCount(false);
    double loaded = meters("watched").reloadCount(true);
    TestPki.Issued other = pki.server("other", "localhost");
    Path bad = Files.createDirectories(secret.resolve("..v3"));
    Files.copy(second.certPath(), bad.resolve("tls.crt"));
    Files.copy(other.keyPath(), bad.resolve("tls.key")); // not the certificate's key
    swapTo("..v3");
    Await.until("the bad secret refused", () -> meters("watched").reloadCount(false) == failed + 1);
    Thread.sleep(3000); // three more polls: the same bad files are not tried, warned about, counted again
    assertEquals(failed + 1, meters("watched").reloadCount(false));
    assertEquals(loaded, meters("watched").reloadCount(true));
    assertEquals(second.certificate(), presented("watched"));
  }

  @Test
  void listenersAreListedWithTheirCertificatesAndOnlyTlsOnesReload() throws Exception {
    JsonArray listeners = new JsonArray(call("GET", "/api/v1/listeners").body());
    assertEquals(List.of("api", "watched", "plain"), listeners.stream().map(l -> ((JsonObject) l).getString("name")).toList());
    JsonObject watched = listeners.getJsonObject(1);
    assertEquals(port("watched"), watched.getInteger("port"));
    assertEquals("1s", watched.getJsonObject("tls").getString("watchInterval"));
    assertEquals("none", watched.getJsonObject("tls").getString("clientAuth"));
    assertTrue(List.of("openssl", "jdk").contains(watched.getJsonObject("tls").getString("provider")));
    assertEquals(1, watched.getJsonObject("tls").getJsonArray("certificates").size());
    assertEquals(null, listeners.getJsonObject(2).getValue("tls"));

    HttpResponse<String> plain = call("POST", "/api/v1/listeners/plain/reload");
    assertEquals(400, plain.statusCode(), plain.body());
    assertEquals("listener plain has no TLS: there are no certificate files to reload",
        new JsonObject(plain.body()).getString("error"));
    HttpResponse<String> unknown = call("POST", "/api/v1/listeners/nope/reload");
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertEquals("no listener named nope", new JsonObject(unknown.body()).getString("error"));
  }

  private static JsonObject reload(String listener, int status) throws Exception {
    HttpResponse<String> answer = call("POST", "/api/v1/listeners/" + listener + "/reload");
    assertEquals(status, answer.statusCode(), answer.body());
    return new JsonObject(answer.body());
  }

  private static HttpResponse<String> call(String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tier.node.adminPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Points the secret's {@code ..data} link at a new directory holding {@code issued}, in one rename. */
  private static void swapSecret(TestPki.Issued issued, String version) throws Exception {
    Path files = Files.createDirectories(secret.resolve(version));
    Files.copy(issued.certPath(), files.resolve("tls.crt"));
    Files.copy(issued.keyPath(), files.resolve("tls.key"));
    swapTo(version);
  }

  private static void swapTo(String version) throws Exception {
    Path link = secret.resolve("..data_tmp");
    Files.createSymbolicLink(link, Path.of(version));
    Files.move(link, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
  }

  private static X509Certificate presented(String listener) throws Exception {
    return TlsClients.presented(port(listener), "localhost", pki.caPath());
  }

  private static X509Certificate presentedQuietly(String listener) {
    try {
      return presented(listener);
    } catch (Exception e) {
      return null;
    }
  }

  /** {@code mqttlb_tls_certificate_expiry_timestamp_seconds} of the listener's default certificate, as scraped. */
  private static double expiryGauge(String listener) {
    String prefix = Metrics.TLS_CERTIFICATE_EXPIRY + "{certificate=\"default\",listener=\"" + listener + "\"} ";
    return tier.node.metrics().scrape().lines().filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix));
  }

  private static TlsMeters meters(String listener) {
    return tier.node.metrics().tls(listener);
  }

  private static int port(String listener) {
    return tier.node.listenerPorts().get(listener);
  }
}
