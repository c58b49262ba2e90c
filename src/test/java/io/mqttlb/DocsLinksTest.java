package io.mqttlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's Markdown explains itself only if its links lead somewhere: every relative link
 * in README.md, docs/ and the other Markdown files must name an existing file, and every anchor a
 * heading of its target, as GitHub renders them. Runs on the files of the working tree (Maven runs
 * tests from the repository root), with no process and no network.
 */
class DocsLinksTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();

  @Test
  void everyRelativeLinkAndAnchorInTheRepositoryResolves() throws IOException {
    List<Path> files = markdownFiles();
    assertTrue(files.contains(ROOT.resolve("README.md")), "README.md found: " + files);
    assertTrue(files.contains(ROOT.resolve("docs/configuration.md")), "docs/ found: " + files);

    MarkdownLinks links = new MarkdownLinks();
    List<MarkdownLinks.Broken> broken =
        files.stream().flatMap(f -> links.check(f).stream()).toList();

    assertEquals("", broken.stream().map(b -> ROOT.relativize(b.file()) + ":" + b.line() + ": ("
        + b.target() + ") " + b.reason() + "\n").collect(Collectors.joining()), "broken links");
  }

  @Test
  void readmeLinksEveryDocsPage() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Set<String> pages;
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      pages = docs.map(p -> p.getFileName().toString())
          .filter(name -> name.endsWith(".md"))
          .collect(Collectors.toSet());
    }
    assertFalse(pages.isEmpty());
    List<String> unlinked = pages.stream().filter(page -> !readme.contains("](docs/" + page + ")"))
        .sorted().toList();
    assertEquals(List.of(), unlinked, "docs pages README.md does not link");
  }

  @Test
  void slugsFollowGitHub() {
    assertEquals("behind-an-l4-balancer-in-front-of-emqx-the-proxy-protocol",
        MarkdownLinks.slug("Behind an L4 balancer, in front of EMQX: the PROXY protocol"));
    assertEquals("connect-parsing-connectparserbenchmark",
        MarkdownLinks.slug("CONNECT parsing: `ConnectParserBenchmark`"));
    assertEquals("after-tablemirror-a-coarse-clock-batched-sticky-writes",
        MarkdownLinks.slug("After: `TableMirror`, a coarse clock, batched sticky writes"));
    assertEquals("side-by-side-brokers-mqttlb-haproxy",
        MarkdownLinks.slug("Side by side: brokers, mqttlb, HAProxy"));
    assertEquals("the-mqttlb_broker_up-metric-emphasised-and-bold",
        MarkdownLinks.slug("The `mqttlb_broker_up` metric, *emphasised* and __bold__"));
    assertEquals("read-the-report--über-1n1",
        MarkdownLinks.slug("Read [the report](report.md) — über 1/(N+1)"));
  }

  @Test
  void aRepeatedHeadingGetsANumberedAnchor(@TempDir Path dir) throws IOException {
    Path page = Files.writeString(dir.resolve("page.md"), """
        # Page
        ## Metrics
        ## Metrics
        ```
        ## Not a heading: inside a code block
        ```
        <a id="custom"></a>
        """);

    assertEquals(Set.of("page", "metrics", "metrics-1", "custom"), MarkdownLinks.anchors(page));
  }

  @Test
  void findsMissingFilesAndAnchorsAndIgnoresCodeAndAbsoluteLinks(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("other.md"), "# Other page\n\n## A section, here\n");
    Files.createDirectory(dir.resolve("sub"));
    Path page = Files.writeString(dir.resolve("page.md"), """
        # Page

        Good: [other](other.md), [section](other.md#a-section-here), [here](#page),
        [a folder](sub), [the
        wrapped one](other.md), ![an image](sub/../other.md) and <https://example.com/x.md>.
        Broken: [gone](missing.md) and [bad anchor](other.md#no-such-section).
        `[in a code span](missing-too.md)` is code.

        ```
        [in a code block](missing-three.md)
        ```
        <img src="pic.png" alt="a picture that is not there">
        [ref]: nowhere.md
        """);

    List<MarkdownLinks.Broken> broken = new MarkdownLinks().check(page);

    assertEquals(
        List.of("6 missing.md", "6 other.md#no-such-section", "12 pic.png", "13 nowhere.md"),
        broken.stream().map(b -> b.line() + " " + b.target()).toList());
    assertTrue(broken.get(1).reason().contains("no heading with anchor #no-such-section"),
        broken.get(1).reason());
  }

  /** Every Markdown file of the repository, outside build output, Git and hidden folders. */
  private static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        boolean skipped = !dir.equals(ROOT)
            && (name.equals("target") || name.equals("node_modules") || name.startsWith("."));
        return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (file.toString().endsWith(".md")) {
          files.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    files.sort(null);
    return files;
  }
}
