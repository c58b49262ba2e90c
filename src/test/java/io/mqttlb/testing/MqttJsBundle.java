package io.mqttlb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The browser bundle of MQTT.js (npm package {@code mqtt}, pinned to {@link #VERSION}), for pages
 * that tests load in Chromium. The first call runs {@code npm pack} (the package tarball alone: the
 * bundle already carries the package's dependencies), checks the tarball against the integrity the
 * registry published for this version, unpacks the one file with {@code tar} and keeps it under
 * {@code target/mqttjs/}; later calls reuse that file, and after a {@code mvn clean} npm answers from
 * its own cache, offline. A file lock keeps concurrent test JVMs from unpacking over each other.
 */
public final class MqttJsBundle {
  public static final String VERSION = "5.16.0";
  /** npm's integrity string of {@code mqtt-5.16.0.tgz}, as the registry publishes it. */
  private static final String INTEGRITY =
      "sha512-G0VsEtuJz5sJUgZJaaADMVfW7SIFPzkIuHR+d6rk+tBeSwdCfd9BaIRycRfd2AbyFDEmLlFM+SDQeti/+IbOnw==";
  /** What the package's {@code exports} give browsers that load a script rather than a module. */
  private static final String ENTRY = "package/dist/mqtt.min.js";
  private static final Path DIR = Path.of("target", "mqttjs");
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(2);

  private MqttJsBundle() {
  }

  /** The bundle's path ({@code mqtt.min.js}: a script that defines the global {@code mqtt}). */
  public static synchronized Path file() {
    Path bundle = DIR.resolve("mqtt-" + VERSION).resolve("mqtt.min.js");
    if (Files.isRegularFile(bundle)) {
      return bundle;
    }
    try {
      Files.createDirectories(DIR);
      try (FileChannel lockFile = FileChannel.open(DIR.resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
          FileLock ignored = lockFile.lock()) {
        if (!Files.isRegularFile(bundle)) {
          install(bundle);
        }
      }
      return bundle;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install MQTT.js " + VERSION + " under " + DIR, e);
    }
  }

  private static void install(Path bundle) throws IOException {
    Path work = Files.createTempDirectory(DIR, "install-");
    try {
      run(work, List.of(npm(), "pack", "mqtt@" + VERSION, "--ignore-scripts", "--prefer-offline",
          "--pack-destination", work.toAbsolutePath().toString()));
      Path tarball = work.resolve("mqtt-" + VERSION + ".tgz");
      String integrity = integrity(tarball);
      if (!INTEGRITY.equals(integrity)) {
        throw new IOException("npm fetched mqtt@" + VERSION + " with integrity " + integrity + ", expected " + INTEGRITY);
      }
      run(work, List.of("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", work.toAbsolutePath().toString(), ENTRY));
      Files.createDirectories(bundle.getParent());
      // Unpacked aside and moved in whole: a reader never sees half a file.
      Files.move(work.resolve(ENTRY), bundle, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      FileTrees.delete(work);
    }
  }

  /** npm's integrity format: the algorithm, a dash, the base64 digest of the tarball. */
  private static String integrity(Path tarball) throws IOException {
    try (InputStream in = Files.newInputStream(tarball)) {
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha512.update(buffer, 0, n);
      }
      return "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void run(Path dir, List<String> command) throws IOException {
    NodeTools.run(dir, command, "command.log", NPM_TIMEOUT);
  }

  /** The npm binary; fails with the install command when it is absent. */
  private static String npm() {
    return NodeTools.binary("npm", "the browser tests (to fetch MQTT.js)");
  }
}
