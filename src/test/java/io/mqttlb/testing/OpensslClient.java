package io.mqttlb.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_client} as a real TLS peer: one handshake with the options given, stdin at its
 * end so that it closes right after, bounded in time and stopped by its own PID.
 */
public final class OpensslClient {
  private static final int TIMEOUT_SECONDS = 15;

  private OpensslClient() {
  }

  /** What {@code s_client} printed (stdout and stderr) and its exit code. */
  public record Handshake(int exitCode, String output) {
    /** The subject line of the certificate the server presented, e.g. {@code subject=CN = a.example.com, O = x}. */
    public String subject() {
      return output.lines().filter(line -> line.startsWith("subject=")).findFirst()
          .orElseThrow(() -> new AssertionError("no subject line in:\n" + output));
    }

    /** Whether the certificate verified (chain, and the host name when asked). */
    public boolean verified() {
      return output.contains("Verify return code: 0 (ok)");
    }
  }

  /** {@code openssl s_client -connect 127.0.0.1:PORT OPTIONS...}. */
  public static Handshake connect(int port, String... options) throws InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
    command.addAll(List.of(options));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl", e);
    }
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("openssl s_client did not end in " + TIMEOUT_SECONDS + "s");
    }
    try {
      return new Handshake(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
