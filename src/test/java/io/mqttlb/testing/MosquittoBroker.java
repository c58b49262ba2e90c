package io.mqttlb.testing;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Mosquitto broker process on a free loopback port, started and stopped by a test (only by
 * its own PID). Each broker holds a retained message on {@link #MARKER_TOPIC} whose payload is its
 * id, so a client that connects through the balancer can tell, from the broker's own answer, where
 * it landed.
 */
public final class MosquittoBroker implements AutoCloseable {
  public static final String MARKER_TOPIC = "mqttlb/broker";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final String CONNECT_LOG = "connects.log";

  private final String id;
  private final int port;
  private final Path dir;
  private final List<String> extraConfig;
  private Process process;

  private MosquittoBroker(String id, int port, Path dir, List<String> extraConfig) {
    this.id = id;
    this.port = port;
    this.dir = dir;
    this.extraConfig = extraConfig;
  }

  /** Starts {@code mosquitto -c FILE} on a free port; fails with a clear message when it is not installed. */
  public static MosquittoBroker start(String id) {
    return start(id, List.of());
  }

  /**
   * As {@link #start(String)}, and the broker logs every client that connects, as it connects, to
   * {@link #connectLog()} (Mosquitto writes and flushes its log file line by line; see
   * {@link BrokerConnectLog}).
   */
  public static MosquittoBroker startLoggingConnects(String id) {
    try {
      Path dir = Files.createTempDirectory("mqttlb-mosquitto-" + id);
      Path log = dir.resolve(CONNECT_LOG);
      Files.createFile(log);
      // Started as root, Mosquitto drops to its own user before it opens the file.
      for (Path path : List.of(dir, log)) {
        path.toFile().setReadable(true, false);
        path.toFile().setWritable(true, false);
      }
      dir.toFile().setExecutable(true, false);
      MosquittoBroker broker = new MosquittoBroker(id, Ports.free(), dir,
          List.of("log_type notice", "connection_messages true", "log_dest file " + log));
      broker.launch();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As {@link #start(String)}, with more lines for its configuration file (e.g. a bridge). */
  public static MosquittoBroker start(String id, List<String> extraConfig) {
    try {
      MosquittoBroker broker = new MosquittoBroker(id, Ports.free(), Files.createTempDirectory("mqttlb-mosquitto-" + id),
          extraConfig);
      broker.launch();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() throws IOException {
    Path conf = dir.resolve("mosquitto.conf");
    List<String> lines = new ArrayList<>(List.of(
        "listener " + port + " 127.0.0.1",
        "allow_anonymous true",
        "persistence false",
        "max_queued_messages 100000",
        "log_type error",
        "log_type warning"));
    lines.addAll(extraConfig);
    Files.writeString(conf, String.join("\n", lines) + "\n");
    try {
      process = new ProcessBuilder(mosquittoBinary(), "-c", conf.toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("mosquitto.log").toFile())
          .start();
    } catch (IOException e) {
      throw new IOException("cannot run mosquitto (install it: apt-get install -y mosquitto; bash .ci/run does): " + e.getMessage(), e);
    }
    awaitListening();
    publishMarker();
  }

  private static String mosquittoBinary() {
    for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "mosquitto";
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("mosquitto " + id + " exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("mosquitto.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IOException("mosquitto " + id + " did not listen on port " + port + " within " + START_TIMEOUT);
        }
        sleep(20);
      }
    }
  }

  private void publishMarker() {
    Mqtt3BlockingClient client = Mqtt3Client.builder().identifier("marker-" + id)
        .serverHost("127.0.0.1").serverPort(port).buildBlocking();
    client.connect();
    client.publishWith().topic(MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).retain(true)
        .payload(id.getBytes(StandardCharsets.UTF_8)).send();
    client.disconnect();
  }

  public String id() {
    return id;
  }

  public int port() {
    return port;
  }

  /** The file a broker of {@link #startLoggingConnects} logs its connections to. */
  public Path connectLog() {
    return dir.resolve(CONNECT_LOG);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: the broker vanishes without closing its connections cleanly. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** Starts the broker again on the same port (its sessions are gone: persistence is off). */
  public void restart() {
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the broker (SIGTERM) and removes its configuration directory. */
  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      waitForExit();
    }
    deleteDir();
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
