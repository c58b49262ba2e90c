package io.mqttlb.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Mosquitto's command-line clients ({@code mosquitto_sub}, {@code mosquitto_pub}, Debian package
 * {@code mosquitto-clients}) as real peers, each process bounded in time and stopped by its own PID.
 */
public final class MosquittoClients {
  /** Every client gives up after this many seconds ({@code -W} for mosquitto_sub). */
  public static final int TIMEOUT_SECONDS = 10;

  private MosquittoClients() {
  }

  /** A running {@code mosquitto_sub}, its output lines read as they come. */
  public static final class Subscriber implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder all = new StringBuilder();

    private Subscriber(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            synchronized (all) {
              all.append(line).append('\n');
            }
            lines.add(line);
          }
        } catch (IOException e) {
          // the process ended
        }
      }, "mosquitto_sub-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line it printed, failing after {@link #TIMEOUT_SECONDS}. */
    public String nextLine() throws InterruptedException {
      String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError("mosquitto_sub printed no line in " + TIMEOUT_SECONDS + "s; it printed:\n" + output());
      }
      return line;
    }

    public String output() {
      synchronized (all) {
        return all.toString();
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** A finished client: its exit code and what it printed (stdout and stderr together). */
  public record Run(int exitCode, String output) {}

  /** Starts {@code mosquitto_sub ARGS -W TIMEOUT} (stderr with stdout). */
  public static Subscriber subscribe(String... args) {
    return new Subscriber(start("mosquitto_sub", args, List.of("-W", String.valueOf(TIMEOUT_SECONDS))));
  }

  /** Runs {@code mosquitto_sub ARGS -W TIMEOUT} to its end. */
  public static Run subscribeOnce(String... args) throws InterruptedException {
    return finish(start("mosquitto_sub", args, List.of("-W", String.valueOf(TIMEOUT_SECONDS))));
  }

  /** Runs {@code mosquitto_pub ARGS} to its end. */
  public static Run publish(String... args) throws InterruptedException {
    return finish(start("mosquitto_pub", args, List.of()));
  }

  private static Process start(String command, String[] args, List<String> more) {
    List<String> line = new ArrayList<>();
    line.add(command);
    line.addAll(List.of(args));
    line.addAll(more);
    try {
      return new ProcessBuilder(line).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command + " (install it: apt-get install -y mosquitto-clients)", e);
    }
  }

  private static Run finish(Process process) throws InterruptedException {
    if (!process.waitFor(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(process.info().commandLine().orElse("mosquitto client") + " did not end in time");
    }
    try {
      return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
