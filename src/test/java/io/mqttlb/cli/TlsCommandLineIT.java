package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.MosquittoClients;
import io.mqttlb.testing.Ports;
import io.mqttlb.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS listener as users run it: {@code java -jar target/mqttlb.jar node --config FILE} in its own
 * process, {@code mosquitto_sub} over TLS through it, {@code mqttlb listeners reload}; and a key file
 * that does not belong to its certificate, refused at load with one line.
 */
@EndToEnd
class TlsCommandLineIT {
  @TempDir
  Path dir;

  @Test
  void aNodeFromAConfigFileServesTlsAndReloadsItsFiles() throws Exception {
    TestPki pki = TestPki.create(dir, "jar");
    TestPki.Issued server = pki.serverWithPkcs1Key("server", "localhost", "127.0.0.1");
    try (MosquittoBroker broker = MosquittoBroker.start("b1")) {
      int port = Ports.free();
      int adminPort = Ports.free();
      Path config = dir.resolve("node.yaml");
      Files.writeString(config, """
          node: { id: lb-tls }
          listeners:
            - name: tls
              host: 127.0.0.1
              port: %d
              tls: { certPath: %s, keyPath: %s, provider: openssl }
          admin: { host: 127.0.0.1, port: %d }
          brokers:
            - { id: b1, address: "127.0.0.1:%d" }
          """.formatted(port, pki.chain(server, "server"), server.keyPath(), adminPort, broker.port()));
      try (JarProcess process = JarProcess.start("node", "--config", config.toString())) {
        awaitUp(adminPort, process);
        MosquittoClients.Run marker = MosquittoClients.subscribeOnce("-h", "localhost", "-p", String.valueOf(port),
            "--cafile", pki.caPath().toString(), "-i", "jar-tls", "-t", MosquittoBroker.MARKER_TOPIC, "-C", "1");
        assertEquals(0, marker.exitCode(), marker.output());
        assertEquals("b1", marker.output().strip());

        try (JarProcess reload = JarProcess.start("listeners", "reload", "tls", "--admin", "127.0.0.1:" + adminPort)) {
          assertEquals(0, reload.waitFor(60), reload.stderr());
          assertTrue(reload.stdout().startsWith("reloaded listener tls (the files had not changed)"), reload.stdout());
          assertTrue(reload.stdout().contains(server.certificate().getSerialNumber().toString(16)), reload.stdout());
        }
        process.terminate();
        assertEquals(143, process.waitFor(30), process.stderr());
      }
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesStopsTheNodeWithOneLine() throws Exception {
    TestPki pki = TestPki.create(dir, "jar-bad");
    TestPki.Issued server = pki.server("server", "localhost");
    TestPki.Issued other = pki.server("other", "localhost");
    Path config = dir.resolve("bad-tls.yaml");
    Files.writeString(config, """
        listeners:
          - { name: tls, host: 127.0.0.1, port: 0, tls: { certPath: %s, keyPath: %s } }
        brokers:
          - { id: b1, address: "127.0.0.1:1884" }
        """.formatted(server.certPath(), other.keyPath()));
    try (JarProcess process = JarProcess.start("node", "--config", config.toString())) {
      assertEquals(2, process.waitFor(60));
      List<String> lines = process.stderr().lines().filter(line -> !line.isBlank()).toList();
      assertEquals(List.of("mqttlb: " + config + ": listeners[0].tls.keyPath: " + other.keyPath()
          + ": the private key does not belong to the certificate in " + server.certPath() + " ("
          + server.certificate().getSubjectX500Principal().getName() + ")"), lines);
    }
  }

  private static void awaitUp(int adminPort, JarProcess process) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      assertTrue(process.isAlive(), "the node exited: " + process.stderr());
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the node did not come up: " + process.stderr());
  }
}
