package io.mqttlb.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node.js and npm for the tests that fetch JavaScript packages (MQTT.js for the browser, Aedes as a
 * broker): finding the binaries, and running one command bounded in time, its output kept in a log
 * file that a failure quotes. A command that overruns is killed with its own process tree, by handle.
 */
final class NodeTools {
  private NodeTools() {
  }

  /** Runs {@code command} in {@code dir}, output to {@code dir/logName}; fails on a timeout or a non-zero exit. */
  static void run(Path dir, List<String> command, String logName, Duration timeout) throws IOException {
    Path output = dir.resolve(logName);
    Process process = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout + "; killed");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
          + Files.readString(output, StandardCharsets.UTF_8));
    }
  }

  /** The {@code name} binary on the PATH; fails with the install command, saying {@code neededFor}. */
  static String binary(String name, String neededFor) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(name + " is not installed, and " + neededFor
        + " need it: apt-get install -y nodejs npm (bash .ci/run installs them)");
  }
}
