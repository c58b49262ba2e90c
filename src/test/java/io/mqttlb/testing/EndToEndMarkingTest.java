package io.mqttlb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the two lanes honest. The fast lane ({@code mvn test}) leaves out classes marked
 * {@link EndToEnd} and the integration lane runs only those, so a mark that is missing or wrong
 * either starts processes in the fast lane or drops a class from every lane. Whether a test class
 * starts a process is read from the compiled test classes: it does if it, or a test helper it
 * reaches through its references, creates a {@link ProcessBuilder}. An {@code *IT} class belongs to
 * the integration lane whether it starts a process or not: it needs the packaged jar.
 */
class EndToEndMarkingTest {
  /** Spelt with dots in the source, so that this class's own constant pool does not name it. */
  private static final String PROCESS_BUILDER = "java.lang.ProcessBuilder".replace('.', '/');

  /** Internal name of each top-level test-source class → what it and its nested classes refer to. */
  private static final Map<String, Set<String>> references = new HashMap<>();

  @BeforeAll
  static void readTestClasses() throws IOException, URISyntaxException {
    Path root = Path.of(EndToEndMarkingTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> classFiles;
    try (Stream<Path> files = Files.walk(root)) {
      classFiles = files.filter(f -> f.toString().endsWith(".class")).toList();
    }
    for (Path file : classFiles) {
      String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
      String topLevel = name.substring(0, name.length() - ".class".length()).replaceFirst("\\$.*", "");
      try (InputStream in = Files.newInputStream(file)) {
        references.computeIfAbsent(topLevel, k -> new HashSet<>()).addAll(ClassFileReferences.read(in));
      }
    }
  }

  @Test
  void everyTestClassThatStartsAProcessIsMarkedAndNoOtherIs() throws ClassNotFoundException {
    Set<String> starting = classesStartingProcesses();
    Set<String> unmarked = new TreeSet<>();
    Set<String> markedForNothing = new TreeSet<>();
    for (String name : references.keySet()) {
      if (!isTestClass(name)) {
        continue;
      }
      boolean marked = marked(name);
      if (starting.contains(name) && !marked) {
        unmarked.add(name);
      } else if (!starting.contains(name) && marked && !name.endsWith("IT")) {
        markedForNothing.add(name);
      }
    }
    assertEquals(Set.of(), unmarked, "start processes but are not marked @EndToEnd, so mvn test runs them");
    assertEquals(Set.of(), markedForNothing, "start no process but are marked @EndToEnd, so mvn test skips them (only *IT classes, which need the packaged jar, may)");
  }

  @Test
  void everyMarkedClassIsNamedSoThatFailsafeFindsIt() throws ClassNotFoundException {
    Set<String> misnamed = new TreeSet<>();
    for (String name : references.keySet()) {
      boolean failsafeName = name.endsWith("IT") || name.endsWith("Test") && !name.endsWith("FuzzTest");
      if (marked(name) != failsafeName && (name.endsWith("IT") || marked(name))) {
        misnamed.add(name);
      }
    }
    assertEquals(Set.of(), misnamed,
        "*IT classes must be marked @EndToEnd, and marked classes named *Test or *IT, or no lane runs them");
  }

  @Test
  void theReaderFindsTheHelpersThatStartProcesses() {
    Set<String> starting = classesStartingProcesses();
    // A check that finds nothing would pass while marking nothing. The helpers are named by string:
    // a class literal here would make this test itself reach them.
    for (String helper : List.of("MosquittoBroker", "HaproxyProcess", "LoopbackChromium", "LocalTier")) {
      assertTrue(starting.stream().anyMatch(name -> name.endsWith("/" + helper)), helper + " starts a process");
    }
    assertFalse(starting.contains(internalName(Ports.class)), "Ports starts no process");
  }

  /** The test-source classes that create a process themselves or through test classes they refer to. */
  private static Set<String> classesStartingProcesses() {
    Map<String, Set<String>> referrers = new HashMap<>();
    Deque<String> work = new ArrayDeque<>();
    Set<String> starting = new HashSet<>();
    references.forEach((name, refs) -> {
      for (String ref : refs) {
        referrers.computeIfAbsent(ref.replaceFirst("\\$.*", ""), k -> new HashSet<>()).add(name);
      }
      if (refs.contains(PROCESS_BUILDER)) {
        starting.add(name);
        work.add(name);
      }
    });
    while (!work.isEmpty()) {
      for (String referrer : referrers.getOrDefault(work.poll(), Set.of())) {
        if (starting.add(referrer)) {
          work.add(referrer);
        }
      }
    }
    return starting;
  }

  private static boolean isTestClass(String name) {
    return name.endsWith("Test") && !name.endsWith("FuzzTest") || name.endsWith("IT");
  }

  private static boolean marked(String internalName) throws ClassNotFoundException {
    Class<?> type = Class.forName(internalName.replace('/', '.'), false, EndToEndMarkingTest.class.getClassLoader());
    return type.isAnnotationPresent(EndToEnd.class);
  }

  private static String internalName(Class<?> type) {
    return type.getName().replace('.', '/');
  }
}
