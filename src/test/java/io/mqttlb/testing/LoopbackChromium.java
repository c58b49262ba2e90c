package io.mqttlb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium showing one page served from {@code 127.0.0.1}, in real time and with live
 * sockets, for pages that talk to the test's own servers (fetch, WebSocket). Its sibling
 * {@link HeadlessChromium} renders local files with the network off, under virtual time, which real
 * sockets do not survive. Here too nothing leaves the machine: every host name and every address
 * but {@code 127.0.0.1} resolves to nothing, and no proxy is used.
 *
 * <p>Each browser gets a fresh profile directory, deleted on {@link #close}, which kills the browser
 * and its own process tree by PID; one that is never closed is killed after {@link #MAX_LIFETIME}.
 *
 * <p>TLS: Chromium verifies server certificates against the system's roots, so a test CA is not
 * trusted. {@code trusted} certificates are pinned by the SHA-256 of their public key
 * ({@code --ignore-certificate-errors-spki-list}): a server presenting exactly that key is
 * accepted, any other certificate is verified as usual and refused. Chromium matches the pin
 * against the server's own certificate, not its issuer, so pin the server certificate.
 */
public final class LoopbackChromium implements AutoCloseable {
  public static final Duration MAX_LIFETIME = Duration.ofSeconds(60);

  private final Process process;
  private final Path dir;

  private LoopbackChromium(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** Starts Chromium on {@code page}, which must be an {@code http://127.0.0.1:port/...} address. */
  public static LoopbackChromium open(URI page, List<X509Certificate> trusted) {
    if (!"127.0.0.1".equals(page.getHost())) {
      throw new IllegalArgumentException("the page must be served from 127.0.0.1: " + page);
    }
    return launch(page.toString(), trusted, List.of());
  }

  /**
   * Starts Chromium on a blank page with the DevTools protocol on a loopback port of its choosing
   * ({@link #devToolsPort}), for a test that drives the page ({@link DevToolsPage}): it can listen
   * for script errors before the page under test loads.
   */
  public static LoopbackChromium openForDevTools() {
    return launch("about:blank", List.of(), List.of("--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"));
  }

  private static LoopbackChromium launch(String page, List<X509Certificate> trusted, List<String> extraFlags) {
    String binary = HeadlessChromium.binary();
    Path dir;
    try {
      dir = Files.createTempDirectory("mqttlb-chromium-live-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>(List.of(binary));
    command.addAll(HeadlessChromium.QUIET_FLAGS);
    command.addAll(List.of("--no-default-browser-check", "--disable-component-update", "--no-proxy-server",
        // The rules apply to address literals too: without the exclusion the page itself would not load.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--user-data-dir=" + dir.resolve("profile"),
        "--enable-logging=stderr", "--v=0"));
    if (!trusted.isEmpty()) {
      command.add("--ignore-certificate-errors-spki-list="
          + String.join(",", trusted.stream().map(LoopbackChromium::spkiPin).toList()));
    }
    command.addAll(extraFlags);
    command.add(page);
    Process process;
    try {
      process = new ProcessBuilder(command)
          .redirectOutput(dir.resolve("stdout").toFile())
          .redirectError(dir.resolve("stderr").toFile())
          .start();
    } catch (IOException e) {
      FileTrees.delete(dir);
      throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
    }
    LoopbackChromium browser = new LoopbackChromium(process, dir);
    CompletableFuture.delayedExecutor(MAX_LIFETIME.toMillis(), TimeUnit.MILLISECONDS).execute(browser::kill);
    return browser;
  }

  /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, the form Chromium's pin list takes. */
  static String spkiPin(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The DevTools port of a browser from {@link #openForDevTools}, which Chromium writes into the
   * profile once it listens (the first line of {@code DevToolsActivePort}).
   */
  public int devToolsPort() {
    Path file = dir.resolve("profile").resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() - deadline < 0 && process.isAlive()) {
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).strip());
        }
      } catch (IOException | NumberFormatException notYet) {
        // not written yet, or half written
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for chromium's DevTools port", e);
      }
    }
    throw new IllegalStateException("chromium (pid " + process.pid() + ") wrote no DevTools port; its log:\n" + log());
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** What Chromium logged so far, the page's console lines included ({@code INFO:CONSOLE}). */
  public String log() {
    try {
      return Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Kills the browser and its helpers, then deletes the profile. */
  @Override
  public void close() {
    kill();
    FileTrees.delete(dir);
  }

  private void kill() {
    HeadlessChromium.killTree(process);
  }
}
