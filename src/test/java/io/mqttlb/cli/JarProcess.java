package io.mqttlb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged {@code target/mqttlb.jar} run as its own JVM process, with its output in files. */
final class JarProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private JarProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static JarProcess start(String... args) throws IOException {
    String jar = System.getProperty("mqttlb.jar", "target/mqttlb.jar");
    if (!Files.exists(Path.of(jar))) {
      throw new IllegalStateException(jar + " is missing: run 'mvn verify' (the jar is built in the package phase)");
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar));
    command.addAll(List.of(args));
    Path dir = Files.createTempDirectory("mqttlb-jar");
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new JarProcess(process, out, err);
  }

  /** Waits for the exit, killing the process if it does not come in time; returns the exit code. */
  int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("process did not exit within " + seconds + " s; stderr: " + stderr());
    }
    return process.exitValue();
  }

  /** SIGTERM, as an operator or a service manager stops a node. */
  void terminate() {
    process.destroy();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "<" + e + ">";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
