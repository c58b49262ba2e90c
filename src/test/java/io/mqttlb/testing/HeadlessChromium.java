package io.mqttlb.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders a local HTML file in headless Chromium (Debian package {@code chromium}), each run in a fresh
 * profile directory, with no network (background networking off, every host name unresolvable) and
 * bounded in time: a run that outlives {@link #TIMEOUT} is killed, its own process tree only, by PID.
 * A missing Chromium is an error, not a skip: CI installs it ({@code .ci/run}).
 */
public final class HeadlessChromium {
  public static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** Virtual time the page gets after load, so timers and animation frames run before the dump. */
  private static final String VIRTUAL_TIME_MILLIS = "10000";

  /** Headless, no sandbox (containers have no user namespaces), and nothing Chromium does on its own in the background. */
  static final List<String> QUIET_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--no-first-run", "--disable-extensions", "--disable-sync");

  private HeadlessChromium() {
  }

  /** What Chromium printed: the DOM after scripts ran (stdout), and its log including the console (stderr). */
  public record Rendering(String dom, String log) {

    /** The attributes of the first element with this id, e.g. {@code <div id="rendered" data-charts="5">}. */
    public Map<String, String> attributesOf(String id) {
      Matcher tag = Pattern.compile("<[a-zA-Z]+\\s[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(dom);
      if (!tag.find()) {
        return Map.of();
      }
      Map<String, String> attributes = new TreeMap<>();
      Matcher attribute = Pattern.compile("([a-zA-Z-]+)(?:=\"([^\"]*)\")?").matcher(tag.group());
      attribute.find(); // the tag name
      while (attribute.find()) {
        attributes.put(attribute.group(1), attribute.group(2) == null ? "" : attribute.group(2));
      }
      return attributes;
    }
  }

  /** Loads the page, lets its scripts run, and returns the resulting DOM and Chromium's console log. */
  public static Rendering dumpDom(Path html) {
    Path out = run(html, List.of("--enable-logging=stderr", "--v=0", "--dump-dom"));
    try {
      return new Rendering(Files.readString(out.resolve("stdout"), StandardCharsets.UTF_8),
          Files.readString(out.resolve("stderr"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(out);
    }
  }

  /** Takes a PNG screenshot of the page at this window size. */
  public static void screenshot(Path html, Path png, int width, int height) {
    Path out = run(html, List.of("--hide-scrollbars", "--window-size=" + width + "," + height,
        "--screenshot=" + png.toAbsolutePath()));
    delete(out);
    if (!Files.isRegularFile(png)) {
      throw new IllegalStateException("chromium wrote no screenshot " + png);
    }
  }

  private static Path run(Path html, List<String> extra) {
    String binary = binary();
    Path dir;
    try {
      dir = Files.createTempDirectory("mqttlb-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>(List.of(binary));
    command.addAll(QUIET_FLAGS);
    command.addAll(List.of(
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--user-data-dir=" + dir.resolve("profile"),
        "--virtual-time-budget=" + VIRTUAL_TIME_MILLIS));
    command.addAll(extra);
    command.add(html.toAbsolutePath().toUri().toString());
    Process process;
    try {
      process = new ProcessBuilder(command)
          .redirectOutput(dir.resolve("stdout").toFile())
          .redirectError(dir.resolve("stderr").toFile())
          .start();
    } catch (IOException e) {
      delete(dir);
      throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
    }
    try {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        killTree(process);
        throw new IllegalStateException("chromium (pid " + process.pid() + ") did not finish " + html
            + " within " + TIMEOUT + "; killed");
      }
    } catch (InterruptedException e) {
      killTree(process);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while chromium rendered " + html, e);
    }
    // The browser's helpers (zygote, renderer) normally leave with it; none may outlive the test.
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    return dir;
  }

  /** Kills the process we started and its descendants (zygotes, renderers), by their handles, never by name. */
  static void killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The chromium binary; fails with the install command when it is absent. */
  public static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    throw new IllegalStateException("chromium is not installed, and the report test needs it: "
        + "apt-get install -y chromium (bash .ci/run installs it)");
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }
}
