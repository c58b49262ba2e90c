package io.mqttlb.cli;

import io.mqttlb.config.CaFile;
import io.mqttlb.config.ConfigException;
import io.mqttlb.loadtest.AssertionResult;
import io.mqttlb.loadtest.LoadTest;
import io.mqttlb.loadtest.LoadTestOptions;
import io.mqttlb.loadtest.LoadTestResult;
import io.mqttlb.loadtest.Simulation;
import io.mqttlb.loadtest.StickinessMethod;
import io.mqttlb.loadtest.Target;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mqttlb loadtest SIMULATION}: runs a simulation, prints a progress line every 5 seconds,
 * writes summary.json and index.html, and exits 0 when every assertion holds, 1 when one fails,
 * 2 for a usage or simulation-file error.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
    description = "Run a load-test simulation against MQTT targets (balancer nodes or brokers).")
final class LoadtestCommand implements Callable<Integer> {
  static final Path SIMULATIONS_DIR = Path.of("loadtest");

  @Parameters(index = "0", paramLabel = "SIMULATION",
      description = "A YAML file, a name X for loadtest/X.yaml, or the class name of a SimulationDefinition.")
  String simulation;

  @Option(names = "--targets", split = ",", paramLabel = "TARGET",
      description = "Where users connect (overrides the file's targets): host:port (MQTT over TCP), mqtts://host:port,"
          + " ws://host:port/path or wss://host:port/path.")
  List<String> targets;

  @Option(names = "--ca-file", paramLabel = "FILE",
      description = "PEM file of the CA certificates that mqtts:// and wss:// targets' certificates must chain to"
          + " (overrides the file's caFile; default: the JVM's trusted authorities). Certificates and host names are"
          + " always verified.")
  Path caFile;

  @Option(names = "--report", paramLabel = "DIR", description = "Report directory (default target/loadtest/<simulation>-<time>).")
  Path report;

  @Option(names = "--brokers", split = ",", paramLabel = "ID=TARGET",
      description = "The brokers behind the targets, each reached directly: their retained markers are published"
          + " before the run (--stickiness markers), or their connection events are listened to (connection-events).")
  List<String> brokers;

  @Option(names = "--stickiness", defaultValue = "markers", paramLabel = "METHOD",
      description = "How a reconnect is told sticky or moved: markers (brokers' retained markers, see --brokers),"
          + " session-present (CONNACK of persistent sessions; brokers must not share sessions) or connection-events"
          + " (the $SYS connected events of EMQX or Aedes). Default ${DEFAULT-VALUE}.")
  String stickiness;

  @Option(names = "--duration-scale", defaultValue = "1", paramLabel = "F", description = "Multiplies every duration (default ${DEFAULT-VALUE}).")
  double durationScale;

  @Option(names = "--nodes-admin", split = ",", paramLabel = "URL",
      description = "The tier nodes' admin API URLs (http://host:port): their resources are sampled every 10 s for the"
          + " report and noLeak assertions, and the simulation's tier operations go to the first that answers.")
  List<URI> nodesAdmin;

  @Option(names = "--admin-token", paramLabel = "T", defaultValue = "${env:" + AdminClientOptions.TOKEN_VARIABLE + "}",
      description = "Bearer token of the nodes' admin API (default: env " + AdminClientOptions.TOKEN_VARIABLE
          + ", which keeps it out of ps).")
  String adminToken;

  @Option(names = "--quiet", description = "No progress lines.")
  boolean quiet;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Simulation sim;
    LoadTestOptions options = new LoadTestOptions();
    try {
      sim = load(simulation);
      if (targets != null) {
        options.setTargets(targets.stream().map(Target::parse).toList());
      }
      if (brokers != null) {
        options.setBrokers(parseBrokers(brokers));
      }
      if (caFile != null) {
        CaFile.problem(caFile.toString()).ifPresent(problem -> {
          throw new IllegalArgumentException("--ca-file " + problem);
        });
        options.setCaFile(caFile);
      }
      options.setDurationScale(durationScale);
      options.setStickiness(StickinessMethod.of(stickiness));
      if (nodesAdmin != null) {
        options.setNodesAdmin(nodesAdmin);
      }
      options.setAdminToken(adminToken);
      if (options.getTargets() == null && sim.targets().isEmpty()) {
        throw new IllegalArgumentException("no targets: give --targets host:port,... (or mqtts://, ws://, wss:// targets)"
            + " or list targets in the simulation");
      }
    } catch (ConfigException e) {
      err.println("mqttlb: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (IllegalArgumentException e) {
      err.println("mqttlb: loadtest: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (!quiet) {
      options.setConsole(line -> {
        out.println(line);
        out.flush();
      });
    }
    Path dir = report != null ? report
        : Path.of("target", "loadtest", sim.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    out.println("loadtest " + sim.name() + " against " + (options.getTargets() != null ? options.getTargets() : sim.targets()));
    out.flush();
    LoadTestResult result;
    try {
      result = LoadTest.run(sim, options);
      LoadTest.writeReport(result, dir);
    } catch (IllegalStateException | IOException e) {
      err.println("mqttlb: loadtest: " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
    printSummary(out, result.summary());
    if (!result.assertions().isEmpty() || !result.leakAssertions().isEmpty()) {
      out.println("assertions:");
      for (AssertionResult assertion : result.assertions()) {
        out.println("  " + assertion);
      }
      result.leakAssertions().forEach(leak -> out.println("  " + leak));
    }
    out.println("report: " + dir.resolve("index.html"));
    out.flush();
    return result.ok() ? Main.EXIT_OK : Main.EXIT_FAILURE;
  }

  /** A path to a file, a bare name meaning loadtest/NAME.yaml, or a class name. */
  static Simulation load(String name) throws ConfigException {
    Path path = Path.of(name);
    if (Files.exists(path)) {
      return Simulation.fromYaml(path);
    }
    boolean bare = !name.contains("/") && !name.endsWith(".yaml") && !name.endsWith(".yml");
    if (bare && name.contains(".") && classExists(name)) {
      return Simulation.fromClass(name);
    }
    Path named = bare ? SIMULATIONS_DIR.resolve(name + ".yaml") : path;
    if (!Files.exists(named)) {
      throw new ConfigException(named.toString(), ConfigException.WHOLE_FILE,
          "no such simulation file" + (bare ? " (nor a SimulationDefinition class named " + name + ")" : ""));
    }
    return Simulation.fromYaml(named);
  }

  private static boolean classExists(String name) {
    try {
      Class.forName(name, false, LoadtestCommand.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static Map<String, Target> parseBrokers(List<String> items) {
    Map<String, Target> parsed = new LinkedHashMap<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--brokers: \"" + item + "\" is not id=host:port");
      }
      String id = item.substring(0, eq);
      if (parsed.put(id, Target.parse(item.substring(eq + 1))) != null) {
        throw new IllegalArgumentException("--brokers: broker " + id + " is listed twice");
      }
    }
    return parsed;
  }

  private static void printSummary(PrintWriter out, JsonObject s) {
    JsonObject totals = s.getJsonObject("totals");
    JsonObject connack = s.getJsonObject("latency").getJsonObject("connack");
    JsonObject p2r = s.getJsonObject("latency").getJsonObject("publishToReceive");
    JsonObject sticky = s.getJsonObject("stickiness");
    out.printf(Locale.ROOT, "== %s: %.1f s, %d users%n", s.getString("simulation"), s.getLong("durationMillis") / 1000.0,
        totals.getLong("users"));
    out.printf(Locale.ROOT, "connects %d (%.1f/s) | messages sent %d, received %d (%.1f/s), duplicates %d | failures %d (%.2f%%) | lost %d%n",
        totals.getLong("connects"), totals.getDouble("connectsPerSec"), totals.getLong("messagesSent"),
        totals.getLong("messagesReceived"), totals.getDouble("messagesPerSec"), totals.getLong("messagesDuplicated"),
        totals.getLong("failures"), totals.getDouble("failuresPercent"), totals.getLong("deliveryLost"));
    out.println("connack ms " + latency(connack) + " | publish-to-receive ms " + latency(p2r));
    List<String> perBroker = new ArrayList<>();
    s.getJsonObject("brokers").forEach(e -> perBroker.add(e.getKey() + "=" + e.getValue()));
    out.printf(Locale.ROOT, "stickiness %s | users per broker %s%n", stickiness(sticky),
        perBroker.isEmpty() ? "unknown" : String.join(" ", perBroker));
    JsonObject causes = s.getJsonObject("failuresByCause");
    if (!causes.isEmpty()) {
      out.println("failures by cause: " + causes.encode());
    }
    for (Object warning : s.getJsonArray("warnings")) {
      out.println("warning: " + warning);
    }
  }

  /** {@code 99.5% by markers (200 reconnects, 1 moved)} or {@code – (not measured by markers: why)}. */
  static String stickiness(JsonObject sticky) {
    if (sticky.getValue("percent") == null) {
      return "– (not measured by " + sticky.getString("tried") + ": " + sticky.getString("note") + ")";
    }
    return String.format(Locale.ROOT, "%.1f%% by %s (%d reconnects, %d moved)", sticky.getDouble("percent"),
        sticky.getString("method"), sticky.getLong("reconnects"), sticky.getLong("moved"));
  }

  private static String latency(JsonObject l) {
    if (l.getLong("count") == 0) {
      return "none";
    }
    return String.format(Locale.ROOT, "p50 %.1f p95 %.1f p99 %.1f max %.1f", l.getDouble("p50"), l.getDouble("p95"),
        l.getDouble("p99"), l.getDouble("max"));
  }
}
