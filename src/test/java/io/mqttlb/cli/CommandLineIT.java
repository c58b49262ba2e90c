package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.Clients;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The product as users run it: {@code java -jar target/mqttlb.jar ...} in its own process. */
@EndToEnd
class CommandLineIT {
  @TempDir
  Path dir;

  @Test
  void badConfigurationPrintsOneLineNamingFileAndKeyAndExits2() throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, """
        node:
          id: lb-1
        listeners:
          - name: tcp
            host: 127.0.0.1
            port: 1883
        brokers:
          - id: b1
            address: 127.0.0.1:1884
        limits:
          connectTimeout: soon
        """);
    try (JarProcess process = JarProcess.start("node", "--config", config.toString())) {
      assertEquals(2, process.waitFor(60));
      List<String> lines = process.stderr().lines().filter(l -> !l.isBlank()).toList();
      assertEquals(1, lines.size(), "one line: " + lines);
      assertTrue(lines.get(0).contains("bad.yaml") && lines.get(0).contains("limits.connectTimeout"), lines.get(0));
    }
  }

  /** The Hazelcast file is read where the node starts Hazelcast, before anything runs: the same one line and exit 2. */
  @Test
  void unreadableHazelcastFileIsOneLineNamingTheKeyAndExits2() throws Exception {
    Path config = dir.resolve("clustered.yaml");
    Files.writeString(config, """
        listeners:
          - {name: tcp, host: 127.0.0.1, port: 0}
        admin: {host: 127.0.0.1, port: 0}
        cluster:
          hazelcastConfig: %s
        """.formatted(dir.resolve("absent-hazelcast.yaml")));
    try (JarProcess process = JarProcess.start("node", "--config", config.toString())) {
      assertEquals(2, process.waitFor(60));
      List<String> lines = process.stderr().lines().filter(l -> !l.isBlank()).toList();
      assertEquals(List.of("mqttlb: " + config + ": cluster.hazelcastConfig: no such file "
          + dir.resolve("absent-hazelcast.yaml").toAbsolutePath()), lines);
    }
  }

  @Test
  void missingConfigFileIsAConfigurationError() throws Exception {
    try (JarProcess process = JarProcess.start("node", "--config", dir.resolve("absent.yaml").toString())) {
      assertEquals(2, process.waitFor(60));
      assertTrue(process.stderr().contains("absent.yaml"), process.stderr());
    }
  }

  @Test
  void unknownCommandIsAUsageError() throws Exception {
    try (JarProcess process = JarProcess.start("frobnicate")) {
      assertEquals(2, process.waitFor(60));
    }
  }

  @Test
  void nodeRoutesRealClientsAndStopsGracefullyOnSigterm() throws Exception {
    List<MosquittoBroker> brokers = new ArrayList<>();
    try {
      for (String id : List.of("b1", "b2", "b3")) {
        brokers.add(MosquittoBroker.start(id));
      }
      int port = Ports.free();
      int adminPort = Ports.free();
      Path config = dir.resolve("node.yaml");
      Files.writeString(config, """
          node:
            id: lb-it
          listeners:
            - name: tcp
              host: 127.0.0.1
              port: %d
          admin:
            host: 127.0.0.1
            port: %d
          brokers:
            - { id: b1, address: "127.0.0.1:%d", weight: 1 }
            - { id: b2, address: "127.0.0.1:%d", weight: 1 }
            - { id: b3, address: "127.0.0.1:%d", weight: 1 }
          limits:
            connectTimeout: ${CONNECT_TIMEOUT:-2s}
          """.formatted(port, adminPort, brokers.get(0).port(), brokers.get(1).port(), brokers.get(2).port()));
      try (JarProcess process = JarProcess.start("node", "--config", config.toString())) {
        awaitHealthy(adminPort, process);
        HttpClient http = HttpClient.newHttpClient();
        for (String clientId : List.of("jar-client-1", "jar-client-2", "jar-client-3", "jar-client-4")) {
          String route = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + adminPort + "/api/v1/route?clientId=" + clientId)).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          String reached = Clients.brokerReachedMqtt5(clientId, port);
          assertTrue(route.contains("\"broker\":\"" + reached + "\""), "route " + route + " vs broker " + reached);
        }
        process.terminate();
        assertEquals(143, process.waitFor(30), "SIGTERM exit; stderr: " + process.stderr());
        assertTrue(process.stderr().contains("node lb-it stopped"), process.stderr());
      }
    } finally {
      brokers.forEach(MosquittoBroker::close);
    }
  }

  @Test
  void demoRunsEmbeddedBrokersAndANodeForItsDuration() throws Exception {
    try (JarProcess process = JarProcess.start("demo", "--port", "0", "--admin-port", "0", "--duration", "8s")) {
      Pattern nodeLine = Pattern.compile("mqtt://127\\.0\\.0\\.1:(\\d+)");
      Pattern routeLine = Pattern.compile("sensor-1\\s+-> (b\\d)");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      Matcher node = nodeLine.matcher("");
      Matcher route = routeLine.matcher("");
      while (System.nanoTime() < deadline && !(node.reset(process.stdout()).find() && route.reset(process.stdout()).find())) {
        Thread.sleep(100);
      }
      assertTrue(node.reset(process.stdout()).find() && route.reset(process.stdout()).find(),
          "demo prints where to connect; stdout: " + process.stdout() + " stderr: " + process.stderr());
      // A real client through the demo's node reaches the embedded broker the demo announced.
      assertEquals(route.group(1), Clients.brokerReachedMqtt3("sensor-1", Integer.parseInt(node.group(1))));
      assertEquals(0, process.waitFor(60), process.stderr());
    }
  }

  @Test
  void demoWithSeveralNodesClustersThem() throws Exception {
    try (JarProcess process = JarProcess.start("demo", "--nodes", "2", "--port", "0", "--admin-port", "0",
        "--duration", "60s")) {
      Pattern adminLine = Pattern.compile("admin http://127\\.0\\.0\\.1:(\\d+)");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      List<Integer> adminPorts = new ArrayList<>();
      while (System.nanoTime() < deadline && adminPorts.size() < 2) {
        adminPorts.clear();
        Matcher admin = adminLine.matcher(process.stdout());
        while (admin.find()) {
          adminPorts.add(Integer.parseInt(admin.group(1)));
        }
        Thread.sleep(100);
      }
      assertEquals(2, adminPorts.size(), "demo prints two nodes; stdout: " + process.stdout() + " stderr: " + process.stderr());
      HttpClient http = HttpClient.newHttpClient();
      String status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(1) + "/api/v1/status"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(status.contains("\"lb-1\"") && status.contains("\"lb-2\""), "both nodes are members: " + status);
      // A mode switch through node 1 reaches node 2.
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(0) + "/api/v1/mode"))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"table\"}")).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode());
      URI modeOfNode2 = URI.create("http://127.0.0.1:" + adminPorts.get(1) + "/api/v1/mode");
      String mode = "";
      for (long until = System.nanoTime() + Duration.ofSeconds(5).toNanos(); System.nanoTime() < until && !mode.contains("table"); ) {
        mode = http.send(HttpRequest.newBuilder(modeOfNode2).build(), HttpResponse.BodyHandlers.ofString()).body();
        Thread.sleep(20);
      }
      assertEquals("{\"mode\":\"table\"}", mode);
    }
  }

  private static void awaitHealthy(int adminPort, JarProcess process) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(process.isAlive(), "node exited: " + process.stderr());
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
    throw new AssertionError("node not healthy in time: " + process.stderr());
  }

  @Test
  void loadtestFromTheJarPrintsProgressWritesTheReportAndExits1OnAViolatedAssertion() throws Exception {
    try (MosquittoBroker broker = MosquittoBroker.start("b1")) {
      Path sim = dir.resolve("slow-trickle.yaml");
      Files.writeString(sim, """
          scenarios:
            - name: trickle
              protocol: 3
              steps:
                - connect: { cleanSession: true }
                - pause: 1s
              injection:
                - constantUsersPerSec: { rate: 4, during: 6s }
          assertions:
            - { metric: connects.total, gte: 1000 }
          """);
      Path report = dir.resolve("report");
      try (JarProcess process = JarProcess.start("loadtest", sim.toString(), "--targets", "127.0.0.1:" + broker.port(),
          "--brokers", "b1=127.0.0.1:" + broker.port(), "--report", report.toString())) {
        assertEquals(1, process.waitFor(60), process.stdout() + process.stderr());
        assertTrue(Pattern.compile("\\[   5s\\] users \\d+ active \\| connects [0-9.]+/s \\| msgs [0-9.]+/s \\| connack p99 [0-9.]+ ms"
            + " \\| p2r p99 - ms \\| errors 0 \\| sticky –").matcher(process.stdout()).find(), process.stdout());
        assertTrue(process.stdout().contains("FAILED connects.total gte 1000 (actual 24)"), process.stdout());
        assertTrue(Files.exists(report.resolve("summary.json")) && Files.exists(report.resolve("index.html")));
      }
    }
  }
}
