package io.mqttlb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Aedes broker (npm package {@code aedes}, pinned to {@link #VERSION}; MQTT 3.1.1) in its own
 * Node.js process on a free loopback port, started and stopped by a test (only by its own PID).
 * Unlike Mosquitto it announces every client that connects, on {@code $SYS/<id>/new/clients} with
 * the client id as payload, which is what the load test's connection-events method listens to.
 * The first call installs the package under {@code target/aedes/} with {@code npm install} (npm
 * checks each tarball against the registry's integrity); later calls reuse it.
 */
public final class AedesBroker implements AutoCloseable {
  public static final String VERSION = "1.2.0";
  private static final Path DIR = Path.of("target", "aedes");
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final String id;
  private final int port;
  private final Process process;

  private AedesBroker(String id, int port, Process process) {
    this.id = id;
    this.port = port;
    this.process = process;
  }

  /** Starts {@code node aedes-broker.mjs PORT ID}; installs Aedes first when needed. */
  public static AedesBroker start(String id) {
    try {
      Path script = install();
      int port = Ports.free();
      Process process = new ProcessBuilder(node(), script.getFileName().toString(), Integer.toString(port), id)
          .directory(script.getParent().toFile()).redirectErrorStream(true)
          .redirectOutput(script.getParent().resolve("aedes-" + id + "-" + port + ".log").toFile()).start();
      AedesBroker broker = new AedesBroker(id, port, process);
      try {
        broker.awaitListening(script.getParent().resolve("aedes-" + id + "-" + port + ".log"));
      } catch (IOException | RuntimeException e) {
        broker.close();
        throw e;
      }
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String id() {
    return id;
  }

  public int port() {
    return port;
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 5 s). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitListening(Path log) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("aedes " + id + " exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IOException("aedes " + id + " did not listen on port " + port + " within " + START_TIMEOUT);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }
  }

  /** The broker script beside an installed {@code node_modules/aedes}; a file lock serialises test JVMs. */
  private static synchronized Path install() throws IOException {
    Path home = DIR.resolve("aedes-" + VERSION);
    Path script = home.resolve("aedes-broker.mjs");
    Files.createDirectories(DIR);
    try (FileChannel lockFile = FileChannel.open(DIR.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = lockFile.lock()) {
      if (!Files.isDirectory(home.resolve("node_modules").resolve("aedes"))) {
        Files.createDirectories(home);
        run(home, List.of(npm(), "install", "aedes@" + VERSION, "--ignore-scripts", "--prefer-offline", "--no-audit",
            "--no-fund", "--no-save"));
      }
      try (InputStream source = AedesBroker.class.getResourceAsStream("aedes-broker.mjs")) {
        if (source == null) {
          throw new IOException("aedes-broker.mjs is missing from the test resources");
        }
        Files.copy(source, script, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return script;
  }

  private static void run(Path dir, List<String> command) throws IOException {
    NodeTools.run(dir, command, "npm.log", NPM_TIMEOUT);
  }

  private static String npm() {
    return NodeTools.binary("npm", "the Aedes tests");
  }

  private static String node() {
    return NodeTools.binary("node", "the Aedes tests");
  }
}
