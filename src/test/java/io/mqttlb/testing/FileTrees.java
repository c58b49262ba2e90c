package io.mqttlb.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of the temporary directories that test helpers make. */
final class FileTrees {
  private FileTrees() {
  }

  /** Deletes {@code dir} and everything under it, as far as it can: a leftover temporary file is harmless. */
  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // as above
    }
  }
}
