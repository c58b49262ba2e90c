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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: a package listed here refers to none of the packages it must not know.
 * Checked twice: in the sources' import lines, and in the compiled classes, where every type a class
 * uses (imported, fully qualified, in a signature) is named in its constant pool as
 * {@code io/mqttlb/cluster/...} while comments are not.
 */
class PackageDependenciesTest {
  /**
   * A package, the package prefixes (in class-file form) that none of its classes may name, and the
   * types under those prefixes it may name all the same (a type and its nested types).
   */
  private record Rule(String pkg, List<String> forbidden, List<String> allowed) {
    Rule(String pkg, List<String> forbidden) {
      this(pkg, forbidden, List.of());
    }

    /** The types a class's constant pool names that this rule forbids, each once. */
    Set<String> forbiddenIn(String constants) {
      Set<String> found = new TreeSet<>();
      for (String prefix : forbidden) {
        for (int at = constants.indexOf(prefix); at >= 0; at = constants.indexOf(prefix, at + 1)) {
          int end = at + prefix.length();
          while (end < constants.length() && isNamePart(constants.charAt(end))) {
            end++;
          }
          String type = constants.substring(at, end);
          if (!allows(type)) {
            found.add(type);
          }
        }
      }
      return found;
    }

    /** Whether an import line's name ({@code io.mqttlb.proxy.MovableClients.Client}) is forbidden. */
    boolean forbidsImport(String imported) {
      return forbidden.stream().anyMatch(prefix -> imported.startsWith(prefix.replace('/', '.')))
          && !allows(imported.replace('.', '/'));
    }

    /** Whether {@code type} (class-file form; nested types after {@code $} or, from an import, {@code /}) is allowed. */
    private boolean allows(String type) {
      return allowed.stream().anyMatch(a -> type.equals(a) || type.startsWith(a + "$") || type.startsWith(a + "/"));
    }

    /** ASCII only: the bytes around a name in the constant pool (tags, lengths) must end it. */
    private static boolean isNamePart(char c) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '/';
    }
  }

  private static final Path SOURCES = Path.of("src", "main", "java");

  private static final List<Rule> RULES = List.of(
      // The configuration is plain records and a YAML reader: the cluster package reads the Hazelcast
      // file where the node starts Hazelcast, and nothing here needs Vert.x, Netty or Micrometer.
      new Rule("io/mqttlb/config",
          List.of("io/mqttlb/cluster/", "com/hazelcast/", "io/vertx/", "io/netty/", "io/micrometer/")),
      // The data plane is handed narrow interfaces it owns (sticky entries, a probe trigger) and is told of
      // broker and membership changes from outside: a pipeline runs without any cluster or health type, and
      // nothing of the control plane reaches into the connect path.
      new Rule("io/mqttlb/proxy",
          List.of("io/mqttlb/cluster/", "io/mqttlb/health/", "io/mqttlb/moves/", "io/mqttlb/admin/",
              "io/mqttlb/node/", "io/mqttlb/cli/", "com/hazelcast/")),
      // Move jobs drive the data plane through the one interface it offers them, never its classes.
      new Rule("io/mqttlb/moves",
          List.of("io/mqttlb/proxy/", "io/mqttlb/node/", "io/mqttlb/admin/", "io/mqttlb/cli/"),
          List.of("io/mqttlb/proxy/MovableClients")),
      // The health checks and the data plane stay apart: the node wires one to the other.
      new Rule("io/mqttlb/health",
          List.of("io/mqttlb/proxy/", "io/mqttlb/moves/", "io/mqttlb/admin/", "io/mqttlb/node/", "io/mqttlb/cli/")));

  @Test
  void noCompiledClassNamesWhatItsPackageMustNotKnow() {
    List<String> violations = new ArrayList<>();
    for (Rule rule : RULES) {
      List<Path> classes = classesOf(rule.pkg());
      assertFalse(classes.isEmpty(), "no compiled classes under " + rule.pkg() + ": the check would pass vacuously");
      for (Path file : classes) {
        String constants = new String(read(file), StandardCharsets.ISO_8859_1);
        for (String type : rule.forbiddenIn(constants)) {
          violations.add(classesRoot().relativize(file) + " refers to " + type);
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
          String imported = line.strip().replaceFirst("^import\\s+(static\\s+)?", "").replaceFirst(";$", "");
          if (line.strip().startsWith("import ") && rule.forbidsImport(imported)) {
            violations.add(SOURCES.relativize(file) + ": " + line.strip());
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  /**
   * The check tells an allowed type from a forbidden one: the node names the data plane's
   * MovableClients, its nested types and its concrete classes.
   */
  @Test
  void anAllowedTypeIsNotReportedAndItsNeighboursAre() {
    Rule movesOnly = new Rule("io/mqttlb/node", List.of("io/mqttlb/proxy/"), List.of("io/mqttlb/proxy/MovableClients"));
    Set<String> found = movesOnly.forbiddenIn(new String(read(classesRoot().resolve("io/mqttlb/node/BalancerNode.class")),
        StandardCharsets.ISO_8859_1));
    assertTrue(found.contains("io/mqttlb/proxy/ProxyRuntime"), "found: " + found);
    assertFalse(found.stream().anyMatch(type -> type.startsWith("io/mqttlb/proxy/MovableClients")), "found: " + found);
    assertTrue(movesOnly.forbidsImport("io.mqttlb.proxy.ProxyRuntime"));
    assertFalse(movesOnly.forbidsImport("io.mqttlb.proxy.MovableClients"));
    assertFalse(movesOnly.forbidsImport("io.mqttlb.proxy.MovableClients.Client"));
    assertTrue(movesOnly.forbidsImport("io.mqttlb.proxy.MovableClientsOfSomethingElse"));
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
