package io.mqttlb.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real HAProxy process ({@code haproxy -db -f FILE}, Debian package {@code haproxy}) for tests that
 * need a PROXY-protocol peer or a reference balancer, started and stopped by the test (only by its
 * own PID). The caller writes the proxies (frontends, backends, listen sections) with ports it took
 * from {@link Ports#free()}; this class adds {@link #GLOBAL_AND_DEFAULTS}: TCP mode, timeouts, and
 * every log line on HAProxy's stdout, where {@link #lines()} collects them. A frontend with
 * {@code log-format "%ci"} prints the client address it was told (by a PROXY header under
 * {@code accept-proxy}) once per connection, when the connection ends; a connection refused during
 * the handshake (a missing or bad PROXY header) prints HAProxy's own error line instead.
 *
 * <pre>
 *   int front = Ports.free();
 *   try (HaproxyProcess haproxy = HaproxyProcess.start("""
 *       frontend fe
 *         bind 127.0.0.1:%d accept-proxy
 *         log-format "%%ci"
 *         default_backend be
 *       backend be
 *         server broker 127.0.0.1:%d
 *       """.formatted(front, broker.port()))) {
 *     ...
 *     haproxy.awaitLine(line -> line.equals("127.0.0.7"));
 *   }
 * </pre>
 *
 * {@link #start} returns once every {@code bind host:port} of the text listens (watched in
 * {@code /proc/net/tcp*}, so that no test connection is made and logged), and fails with HAProxy's
 * own message when it refuses the configuration. Thread-safe.
 */
public final class HaproxyProcess implements AutoCloseable {
  /** What {@link #start} puts before the caller's sections. */
  public static final String GLOBAL_AND_DEFAULTS = """
      global
        log stdout format raw local0
      defaults
        mode tcp
        log global
        timeout connect 5s
        timeout client 1m
        timeout server 1m
      """;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration LINE_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern BIND = Pattern.compile("(?m)^\\s*bind\\s+\\S*:(\\d+)(\\s|$)");

  private final Path dir;
  private final Path config;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();

  private HaproxyProcess(Path dir, Path config, Process process) {
    this.dir = dir;
    this.config = config;
    this.process = process;
  }

  /**
   * Starts HAProxy with {@link #GLOBAL_AND_DEFAULTS} followed by {@code sections}, and waits until
   * every port its {@code bind} lines name listens.
   *
   * @throws IllegalStateException when HAProxy is not installed, exits (the message holds its
   *     stderr), or does not listen within ten seconds
   */
  public static HaproxyProcess start(String sections) {
    Path dir;
    Path config;
    try {
      dir = Files.createTempDirectory("mqttlb-haproxy");
      config = dir.resolve("haproxy.cfg");
      Files.writeString(config, GLOBAL_AND_DEFAULTS + sections.stripIndent() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process process;
    try {
      process = new ProcessBuilder(binary(), "-db", "-f", config.toString()).start();
    } catch (IOException e) {
      deleteDir(dir);
      throw new IllegalStateException("cannot run haproxy (install it: apt-get install -y haproxy; bash .ci/run does): "
          + e.getMessage(), e);
    }
    HaproxyProcess haproxy = new HaproxyProcess(dir, config, process);
    haproxy.follow(process.getInputStream(), "stdout", haproxy::addLine);
    haproxy.follow(process.getErrorStream(), "stderr", haproxy::addStderr);
    try {
      haproxy.awaitListening(bindPorts(sections));
    } catch (RuntimeException e) {
      haproxy.close();
      throw e;
    }
    return haproxy;
  }

  /** The lines HAProxy printed on stdout so far (its log lines), oldest first. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * The first line (from the start) that matches, waiting for it up to ten seconds.
   *
   * @throws AssertionError naming the lines seen when none matches in time
   */
  public String awaitLine(Predicate<String> matching) throws InterruptedException {
    return awaitLine(matching, LINE_TIMEOUT);
  }

  /** As {@link #awaitLine(Predicate)}, waiting up to {@code timeout}. */
  public synchronized String awaitLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String line : lines) {
        if (matching.test(line)) {
          return line;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching HAProxy line within " + timeout.toMillis() + " ms; lines: " + lines
            + (stderr.length() == 0 ? "" : "; stderr: " + stderr));
      }
      wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }
  }

  /** What HAProxy printed on stderr so far (warnings, alerts). */
  public synchronized String stderr() {
    return stderr.toString();
  }

  /** The configuration file as HAProxy reads it (deleted by {@link #close()}). */
  public Path configFile() {
    return config;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops HAProxy (SIGTERM, then SIGKILL after five seconds) and deletes its files. */
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
    deleteDir(dir);
  }

  private synchronized void addLine(String line) {
    lines.add(line);
    notifyAll();
  }

  private synchronized void addStderr(String line) {
    stderr.append(stderr.length() == 0 ? "" : "\n").append(line);
  }

  private void follow(InputStream stream, String name, Consumer<String> sink) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          sink.accept(line);
        }
      } catch (IOException closed) {
        // the process ended
      }
    }, "haproxy-" + process.pid() + "-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  private void awaitListening(Set<Integer> ports) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!listening().containsAll(ports)) {
      if (!process.isAlive()) {
        waitQuietly(200); // let the reader thread take the last stderr lines
        throw new IllegalStateException("haproxy exited with " + process.exitValue() + ": " + stderr());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("haproxy did not listen on " + ports + " within " + START_TIMEOUT
            + "; stderr: " + stderr());
      }
      waitQuietly(20);
    }
    if (!process.isAlive()) { // another process held a port, and HAProxy could not bind it
      waitQuietly(200);
      throw new IllegalStateException("haproxy exited with " + process.exitValue() + ": " + stderr());
    }
  }

  /** The ports of the caller's {@code bind} lines ({@code bind 127.0.0.1:1883 accept-proxy} gives 1883). */
  static Set<Integer> bindPorts(String sections) {
    Set<Integer> ports = new LinkedHashSet<>();
    Matcher matcher = BIND.matcher(sections);
    while (matcher.find()) {
      ports.add(Integer.parseInt(matcher.group(1)));
    }
    return ports;
  }

  /** Local ports in state LISTEN, from the kernel's socket tables (Linux). */
  private static Set<Integer> listening() {
    Set<Integer> ports = new LinkedHashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try (Stream<String> rows = Files.lines(Path.of(table))) {
        rows.skip(1).forEach(row -> {
          // "  sl  local_address rem_address   st ...": local address as HEXIP:HEXPORT, state 0A is LISTEN
          String[] fields = row.trim().split("\\s+");
          if (fields.length > 3 && fields[3].equals("0A")) {
            String local = fields[1];
            ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
          }
        });
      } catch (IOException | RuntimeException e) {
        // no such table here (IPv6 off): the other one answers
      }
    }
    return ports;
  }

  private static String binary() {
    for (String candidate : new String[] {"/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "haproxy";
  }

  private static void deleteDir(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }

  private static void waitQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
