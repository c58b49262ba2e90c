package io.mqttlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: a package listed here refers to none of the packages it must not know.
 * Checked twice: in the sources' import lines, and in the compiled classes, where every type a class
 * uses (imported, fully qualified, in a signature) is named in its constant pool as
 * {@code io/mqttlb/cluster/...} while comments are not.
 */
class PackageDependenciesTest {
  /** A package and the package prefixes (in class-file form) that none of its classes may name. */
  private record Rule(String pkg, List<String> forbidden) {}

  private static final Path SOURCES = Path.of("src", "main", "java");

  private static final List<Rule> RULES = List.of(
      // The configuration is plain records and a YAML reader: the cluster package reads the Hazelcast
      // file where the node starts Hazelcast, and nothing here needs Vert.x, Netty or Micrometer.
      new Rule("io/mqttlb/config",
          List.of("io/mqttlb/cluster/", "com/hazelcast/", "io/vertx/", "io/netty/", "io/micrometer/")));

  @Test
  void noCompiledClassNamesWhatItsPackageMustNotKnow() {
    List<String> violations = new ArrayList<>();
    for (Rule rule : RULES) {
      List<Path> classes = classesOf(rule.pkg());
      assertFalse(classes.isEmpty(), "no compiled classes under " + rule.pkg() + ": the check would pass vacuously");
      for (Path file : classes) {
        String constants = new String(read(file), StandardCharsets.ISO_8859_1);
        for (String forbidden : rule.forbidden()) {
          if (constants.contains(forbidden)) {
            violations.add(classesRoot().relativize(file) + " refers to " + forbidden);
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void noPackageImportsWhatItMustNotKnow() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Rule rule : RULES) {
      List<Path> sources;
      try (Stream<Path> files = Files.list(SOURCES.resolve(rule.pkg()))) {
        sources = files.filter(f -> f.toString().endsWith(".java")).toList();
      }
      assertFalse(sources.isEmpty(), "no sources under " + SOURCES.resolve(rule.pkg()).toAbsolutePath());
      for (Path file : sources) {
        for (String line : Files.readAllLines(file)) {
          String imported = line.strip().replaceFirst("^import\\s+(static\\s+)?", "");
          for (String forbidden : rule.forbidden()) {
            if (line.strip().startsWith("import ") && imported.startsWith(forbidden.replace('/', '.'))) {
              violations.add(SOURCES.relativize(file) + ": " + line.strip());
            }
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  /** The check itself finds a use: the cluster package does name the configuration. */
  @Test
  void theCheckSeesAUseWhereThereIsOne() {
    Path setup = classesRoot().resolve("io/mqttlb/cluster/HazelcastSetup.class");
    assertTrue(new String(read(setup), StandardCharsets.ISO_8859_1).contains("io/mqttlb/config/"),
        "HazelcastSetup's constant pool names io/mqttlb/config/");
  }

  private static List<Path> classesOf(String pkg) {
    try (Stream<Path> files = Files.list(classesRoot().resolve(pkg))) {
      return files.filter(f -> f.toString().endsWith(".class")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the main classes were compiled to (target/classes under Maven). */
  private static Path classesRoot() {
    try {
      return Path.of(ConfigLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
