package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.EndToEnd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * target/mqttlb.jar holds what runs and nothing else: no benchmark and no JMH file (the bench
 * profile builds its own jar in a directory of its own), and no library the node does not use.
 */
@EndToEnd
class RuntimeJarIT {
  private static List<String> entries;

  @BeforeAll
  static void readJar() throws IOException {
    Path jar = Path.of(System.getProperty("mqttlb.jar", "target/mqttlb.jar"));
    assertTrue(Files.exists(jar), jar + " is missing: run 'mvn verify' (the jar is built in the package phase)");
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
    }
    assertTrue(entries.contains("io/mqttlb/cli/Main.class"), "the jar holds the product, so the checks below can fail");
  }

  @Test
  void noJmhFile() {
    assertEquals(List.of(), matching(name -> name.startsWith("org/openjdk/jmh/") || name.contains("/jmh_generated/")
        || name.equals("META-INF/BenchmarkList") || name.equals("META-INF/CompilerHints")));
  }

  /** Every class compiled from src/bench/java, nested ones included, by the names its sources give. */
  @Test
  void noBenchmarkClass() throws IOException {
    Set<String> benchClasses;
    Path bench = Path.of("src", "bench", "java");
    try (Stream<Path> sources = Files.walk(bench)) {
      benchClasses = sources.filter(p -> p.toString().endsWith(".java"))
          .map(p -> bench.relativize(p).toString().replace('\\', '/').replaceAll("\\.java$", ""))
          .collect(Collectors.toSet());
    }
    assertFalse(benchClasses.isEmpty(), "found the benchmark sources in " + bench.toAbsolutePath());
    assertEquals(List.of(), matching(name -> name.endsWith(".class")
        && benchClasses.contains(name.replaceAll("(\\$.*)?\\.class$", ""))));
  }

  /** vertx-mqtt was on the class path and never used: the data plane parses CONNECT itself. */
  @Test
  void noVertxMqtt() {
    assertEquals(List.of(), matching(name -> name.startsWith("io/vertx/mqtt/")));
  }

  private static List<String> matching(java.util.function.Predicate<String> unwanted) {
    List<String> found = new ArrayList<>();
    for (String name : entries) {
      if (unwanted.test(name)) {
        found.add(name);
      }
    }
    return found.size() > 20 ? List.of(found.size() + " entries, first " + found.subList(0, 20)) : found;
  }
}
