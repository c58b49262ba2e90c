package io.mqttlb.cluster;

import io.mqttlb.routing.HashRing;
import io.mqttlb.routing.RingHash;
import io.mqttlb.routing.RingMember;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A whole tier as operators run it: three real Mosquitto brokers {@code b1..b3} and three balancer
 * nodes {@code lb-1..lb-3}, each the packaged jar in its own JVM, clustered through Hazelcast on
 * loopback. Nodes are numbered from 1, as their ids are.
 *
 * <p>Every port (MQTT listener, admin API, Hazelcast) is picked free here and written into the
 * node's files, because a node in another JVM cannot report a port it picked itself. Each node has
 * its own Hazelcast file: {@code cluster-config/hazelcast.yaml} with this tier's member list and the
 * node's own {@code network.port}. Node output goes to {@code node-N.log} in the tier's directory;
 * {@link #describeLogs()} names the files and shows their last lines, and the directory is kept
 * when {@link #keepFiles()} was called (a test failed).
 *
 * <p>Node JVMs are kept small ({@code -Xmx256m}, serial GC, C1 only): a 2-core machine runs three
 * of them beside the test JVM and three brokers.
 *
 * <p>Failover tests also kill and restart brokers ({@link #killBroker}, {@link #restartBroker}),
 * add a fourth one at run time ({@link #addBroker}) and give the nodes fast health checks
 * ({@link Options#withHealth}); without that option the node files carry no {@code health}
 * section.
 *
 * <p>{@link #close()} stops exactly the processes this tier started, by their handles (SIGTERM,
 * then SIGKILL after a grace period), and a JVM shutdown hook does the same if the test JVM exits
 * first.
 */
public final class ClusterTier implements AutoCloseable {
  public static final int NODES = 3;
  public static final List<String> BROKER_IDS = List.of("b1", "b2", "b3");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int MAX_IN_FLIGHT = 16;
  /** The Hazelcast file a local tier ships with (failsafe runs in the project directory). */
  static final Path HAZELCAST_TEMPLATE = Path.of("cluster-config", "hazelcast.yaml");

  private final Options options;
  private final Path dir;
  private final List<MosquittoBroker> brokers = new ArrayList<>();
  private final int[] hazelcastPorts = new int[NODES];
  private final int[] mqttPorts = new int[NODES];
  private final int[] adminPorts = new int[NODES];
  private final Process[] processes = new Process[NODES];
  private final boolean[] frozen = new boolean[NODES];
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();
  private final Thread shutdownHook = new Thread(this::killAll, "cluster-tier-cleanup");
  private volatile boolean keepFiles;

  /**
   * What differs between test classes; everything else is fixed. {@code health} is null unless a
   * test sets it: then the node files carry no {@code health} section and the nodes use their
   * defaults.
   */
  public record Options(String mode, String token, String stickyTtl, long maxEntries, Health health) {
    public static Options defaults() {
      return new Options("hash", "it-secret", "30m", 1_000_000, null);
    }

    public Options withMode(String mode) {
      return new Options(mode, token, stickyTtl, maxEntries, health);
    }

    public Options withToken(String token) {
      return new Options(mode, token, stickyTtl, maxEntries, health);
    }

    public Options withStickyTtl(String stickyTtl) {
      return new Options(mode, token, stickyTtl, maxEntries, health);
    }

    public Options withMaxEntries(long maxEntries) {
      return new Options(mode, token, stickyTtl, maxEntries, health);
    }

    public Options withHealth(Health health) {
      return new Options(mode, token, stickyTtl, maxEntries, health);
    }
  }

  /** The node files' {@code health} section. */
  public record Health(Duration interval, Duration timeout, int rise, int fall) {
    /** Fast checks for failover tests: a dead broker is confirmed about a second after it died. */
    public static Health fast() {
      return new Health(Duration.ofMillis(500), Duration.ofMillis(400), 2, 2);
    }

    /**
     * The longest a dead broker can stay up in one node's eyes: the next probe starts within one
     * interval, the {@code fall}-th failing one {@code fall − 1} intervals later, and it fails
     * within {@code timeout}.
     */
    public Duration window() {
      return interval.multipliedBy(fall).plus(timeout);
    }

    String yaml() {
      return """
          health:
            interval: %dms
            timeout: %dms
            rise: %d
            fall: %d
          """.formatted(interval.toMillis(), timeout.toMillis(), rise, fall);
    }
  }

  /** An HTTP answer: its status and body. */
  public record Reply(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private ClusterTier(Options options) throws IOException {
    this.options = options;
    this.dir = Files.createTempDirectory("mqttlb-cluster-it");
  }

  /** Starts brokers and nodes and returns once every node serves and sees all three members. */
  public static ClusterTier start(Options options) throws Exception {
    ClusterTier tier = new ClusterTier(options);
    long started = System.nanoTime();
    try {
      tier.startAll();
      System.err.printf("ClusterTier: 3 brokers and 3 nodes up in %d ms (%s)%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), tier.dir);
      return tier;
    } catch (Exception | Error e) {
      tier.keepFiles();
      String logs = tier.describeLogs();
      tier.close();
      throw new AssertionError("the tier did not start: " + e + "\n" + logs, e);
    }
  }

  private void startAll() throws Exception {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    for (String id : BROKER_IDS) {
      brokers.add(MosquittoBroker.start(id));
    }
    int[] ports = distinctFreePorts(3 * NODES);
    for (int i = 0; i < NODES; i++) {
      hazelcastPorts[i] = ports[i];
      mqttPorts[i] = ports[NODES + i];
      adminPorts[i] = ports[2 * NODES + i];
    }
    for (int node = 1; node <= NODES; node++) {
      writeHazelcastFile(node);
      writeNodeFile(node);
    }
    // All three at once, as a tier is started after an outage; each finds the others on the member list.
    for (int node = 1; node <= NODES; node++) {
      launch(node);
    }
    for (int node = 1; node <= NODES; node++) {
      awaitMembers(node, NODES);
    }
  }

  private static int[] distinctFreePorts(int count) {
    Set<Integer> ports = new HashSet<>();
    while (ports.size() < count) {
      ports.add(Ports.free());
    }
    return ports.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Writes node {@code node}'s Hazelcast file: the shipped {@link #HAZELCAST_TEMPLATE} with this
   * tier's cluster name, its own port (no auto-increment) and a member list of this tier's ports,
   * so that the tests run on the settings operators get.
   */
  @SuppressWarnings("unchecked")
  private void writeHazelcastFile(int node) throws IOException {
    Map<String, Object> root;
    try (var in = Files.newBufferedReader(HAZELCAST_TEMPLATE)) {
      root = new Yaml().load(in);
    }
    Map<String, Object> hazelcast = (Map<String, Object>) root.get("hazelcast");
    hazelcast.put("cluster-name", dir.getFileName().toString());
    Map<String, Object> network = (Map<String, Object>) hazelcast.get("network");
    network.put("port", new LinkedHashMap<>(Map.of("port", hazelcastPorts[node - 1], "auto-increment", false)));
    Map<String, Object> tcpIp = (Map<String, Object>) ((Map<String, Object>) network.get("join")).get("tcp-ip");
    List<String> members = new ArrayList<>();
    for (int port : hazelcastPorts) {
      members.add("127.0.0.1:" + port);
    }
    tcpIp.put("member-list", members);
    DumperOptions style = new DumperOptions();
    style.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(hazelcastFile(node), new Yaml(style).dump(root));
  }

  private void writeNodeFile(int node) throws IOException {
    StringBuilder brokerLines = new StringBuilder();
    for (MosquittoBroker broker : brokers) {
      brokerLines.append("  - { id: %s, address: \"127.0.0.1:%d\", weight: 1 }\n".formatted(broker.id(), broker.port()));
    }
    Files.writeString(nodeFile(node), """
        node:
          id: lb-%d
        listeners:
          - name: tcp
            host: 127.0.0.1
            port: %d
        admin:
          host: 127.0.0.1
          port: %d
          token: "%s"
        brokers:
        %srouting:
          mode: %s
          table:
            stickyTtl: %s
            maxEntries: %d
        %slimits:
          connectTimeout: 2s
          backendConnectTimeout: 1s
        cluster:
          hazelcastConfig: "%s"
        """.formatted(node, mqttPorts[node - 1], adminPorts[node - 1], options.token(), brokerLines, options.mode(),
        options.stickyTtl(), options.maxEntries(), options.health() == null ? "" : options.health().yaml(),
        hazelcastFile(node)));
  }

  private void launch(int node) throws IOException {
    String jar = System.getProperty("mqttlb.jar", "target/mqttlb.jar");
    if (!Files.exists(Path.of(jar))) {
      throw new IllegalStateException(jar + " is missing: run 'mvn package' first (failsafe runs after it)");
    }
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
        "-jar", jar, "node", "--config", nodeFile(node).toString());
    processes[node - 1] = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(node).toFile()))
        .start();
  }

  // ---- what tests use ----

  public Options options() {
    return options;
  }

  /** The MQTT listener port of node {@code node} (1..3). */
  public int nodePort(int node) {
    return mqttPorts[node - 1];
  }

  /** Every node's MQTT listener port, node 1 first. */
  public List<Integer> nodePorts() {
    List<Integer> ports = new ArrayList<>();
    for (int port : mqttPorts) {
      ports.add(port);
    }
    return ports;
  }

  /** The admin API base URL of node {@code node}, e.g. {@code http://127.0.0.1:41234}. */
  public String adminUrl(int node) {
    return "http://127.0.0.1:" + adminPorts[node - 1];
  }

  public List<MosquittoBroker> brokers() {
    return brokers;
  }

  public MosquittoBroker broker(String id) {
    return brokers.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
  }

  /** SIGKILL of broker {@code id}: its connections break without a DISCONNECT; waits for its exit. */
  public void killBroker(String id) {
    broker(id).kill();
  }

  /** Starts broker {@code id} again on its port; returns once it listens and holds its marker again. */
  public void restartBroker(String id) {
    MosquittoBroker broker = broker(id);
    if (broker.isRunning()) {
      throw new IllegalStateException(id + " is still running");
    }
    broker.restart();
  }

  /**
   * Starts one more Mosquitto broker {@code id} and adds it to the tier through node {@code node}
   * ({@code PUT /api/v1/brokers/ID}, weight 1); waits until every running node lists it.
   */
  public MosquittoBroker addBroker(int node, String id) throws InterruptedException {
    MosquittoBroker broker = MosquittoBroker.start(id);
    brokers.add(broker);
    Reply reply = put(node, "/api/v1/brokers/" + id,
        new JsonObject().put("address", "127.0.0.1:" + broker.port()).put("weight", 1));
    if (reply.status() != 201) {
      throw new AssertionError("PUT broker " + id + " on lb-" + node + ": " + reply);
    }
    awaitAll(Duration.ofSeconds(5), "lists broker " + id,
        n -> brokerList(n).stream().anyMatch(b -> b.startsWith(id + "=")));
    return broker;
  }

  /**
   * SIGSTOP of node {@code node}, by the PID of the process this tier started: the JVM stays alive
   * but answers nothing (no Hazelcast heartbeat, no admin API), as a node in a long GC pause or on a
   * suspended virtual machine. {@link #close()} resumes it before stopping it.
   */
  public void freeze(int node) throws IOException, InterruptedException {
    signal(node, "STOP");
    frozen[node - 1] = true;
  }

  /** SIGCONT of a node {@link #freeze} stopped: it carries on where it was stopped. */
  public void resume(int node) throws IOException, InterruptedException {
    signal(node, "CONT");
    frozen[node - 1] = false;
  }

  private void signal(int node, String signal) throws IOException, InterruptedException {
    Process process = processes[node - 1];
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + process.pid() + " (lb-" + node + ") failed");
    }
  }

  public boolean isRunning(int node) {
    Process process = processes[node - 1];
    return process != null && process.isAlive();
  }

  /** SIGKILL of node {@code node}, by the handle of the process this tier started; waits for its exit. */
  public void kill9(int node) throws InterruptedException {
    Process process = processes[node - 1];
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("lb-" + node + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
    }
  }

  /**
   * Starts node {@code node} again with the same files and ports (its log is appended to), and
   * waits until it serves and sees all three members.
   */
  public void restart(int node) throws Exception {
    if (isRunning(node)) {
      throw new IllegalStateException("lb-" + node + " is still running");
    }
    Files.writeString(logFile(node), "---- restarted by the test ----\n", java.nio.file.StandardOpenOption.APPEND);
    launch(node);
    for (int n = 1; n <= NODES; n++) {
      awaitMembers(n, NODES);
    }
  }

  /** Waits until node {@code node} answers /health and its status lists {@code members} members. */
  public void awaitMembers(int node, int members) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() - deadline < 0) {
      Process process = processes[node - 1];
      if (process != null && !process.isAlive()) {
        throw new AssertionError("lb-" + node + " exited with " + process.exitValue() + "; log " + logFile(node));
      }
      try {
        Reply health = send(node, "GET", "/health", null, options.token());
        if (health.status() == 200) {
          Reply status = send(node, "GET", "/api/v1/status", null, options.token());
          last = status.toString();
          if (status.status() == 200 && status.json().getJsonArray("members").size() == members) {
            return;
          }
        }
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("lb-" + node + " did not see " + members + " members within " + START_TIMEOUT
        + "; last status: " + last + "; log " + logFile(node));
  }

  // ---- admin API ----

  public Reply get(int node, String pathAndQuery) {
    return call(node, "GET", pathAndQuery, null);
  }

  public Reply put(int node, String path, JsonObject body) {
    return call(node, "PUT", path, body.encode());
  }

  public Reply post(int node, String path, JsonObject body) {
    return call(node, "POST", path, body == null ? null : body.encode());
  }

  /** {@code POST /api/v1/rebalance {"rate":R}} through one node; the answer as it came. */
  public Reply rebalance(int node, int rate) {
    return post(node, "/api/v1/rebalance", new JsonObject().put("rate", rate));
  }

  /** {@code POST /api/v1/brokers/ID/drain {"rate":R}} through one node; the answer as it came. */
  public Reply drain(int node, String brokerId, int rate) {
    return post(node, "/api/v1/brokers/" + brokerId + "/drain", new JsonObject().put("rate", rate));
  }

  /** {@code POST /api/v1/brokers/ID/enable} through one node; the answer as it came. */
  public Reply enable(int node, String brokerId) {
    return post(node, "/api/v1/brokers/" + brokerId + "/enable", null);
  }

  /** {@code GET /api/v1/status} of one node. */
  public JsonObject status(int node) {
    Reply reply = get(node, "/api/v1/status");
    if (reply.status() != 200) {
      throw new AssertionError("status on lb-" + node + ": " + reply);
    }
    return reply.json();
  }

  /** {@code GET /api/v1/brokers} of one node, by broker id. */
  public Map<String, JsonObject> brokersById(int node) {
    Reply reply = get(node, "/api/v1/brokers");
    if (reply.status() != 200) {
      throw new AssertionError("brokers on lb-" + node + ": " + reply);
    }
    Map<String, JsonObject> byId = new TreeMap<>();
    for (Object o : reply.array()) {
      JsonObject broker = (JsonObject) o;
      byId.put(broker.getString("id"), broker);
    }
    return byId;
  }

  public Reply delete(int node, String path) {
    return call(node, "DELETE", path, null);
  }

  /** A call with the tier's token; {@code body} null for none. */
  public Reply call(int node, String method, String path, String body) {
    try {
      return send(node, method, path, body, options.token());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + adminUrl(node) + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A call with the given token ({@code null}: no Authorization header). */
  public Reply send(int node, String method, String path, String body, String token)
      throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request(node, method, path, body, token),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }

  private HttpRequest request(int node, String method, String path, String body, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(adminUrl(node) + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    if (token != null && !token.isEmpty()) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder.build();
  }

  /** {@code GET /api/v1/route?clientId=ID} on one node. */
  public JsonObject route(int node, String clientId) {
    Reply reply = get(node, "/api/v1/route?clientId=" + encode(clientId));
    if (reply.status() != 200) {
      throw new AssertionError("route " + clientId + " on lb-" + node + ": " + reply);
    }
    return reply.json();
  }

  /**
   * The route answers of one node for many client ids, a few calls in flight at a time; each answer
   * reduced to what must agree across nodes: {@code broker/source}.
   */
  public Map<String, String> routes(int node, List<String> clientIds) throws InterruptedException {
    Map<String, String> answers = new java.util.concurrent.ConcurrentHashMap<>();
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (String id : clientIds) {
      inFlight.acquire();
      calls.add(http.sendAsync(request(node, "GET", "/api/v1/route?clientId=" + encode(id), null, options.token()),
              HttpResponse.BodyHandlers.ofString())
          .thenAccept(response -> {
            if (response.statusCode() != 200) {
              throw new AssertionError("route " + id + " on lb-" + node + ": " + response.statusCode() + " " + response.body());
            }
            JsonObject route = new JsonObject(response.body());
            if (!id.equals(route.getString("key"))) {
              throw new AssertionError("lb-" + node + " read client id " + id + " as " + route.getString("key"));
            }
            answers.put(id, route.getString("broker") + "/" + route.getString("source"));
          })
          .whenComplete((v, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    return answers;
  }

  public String mode(int node) {
    return get(node, "/api/v1/mode").json().getString("mode");
  }

  /** {@code GET /api/v1/table} on one node ({@code query} without the '?', may be empty). */
  public JsonObject table(int node, String query) {
    Reply reply = get(node, "/api/v1/table" + (query.isEmpty() ? "" : "?" + query));
    if (reply.status() != 200) {
      throw new AssertionError("table on lb-" + node + ": " + reply);
    }
    return reply.json();
  }

  /** The broker list of one node, sorted by id, as {@code id=address×weight} strings. */
  public List<String> brokerList(int node) {
    List<String> list = new ArrayList<>();
    for (Object o : get(node, "/api/v1/brokers").array()) {
      JsonObject b = (JsonObject) o;
      list.add(b.getString("id") + "=" + b.getString("address") + "×" + b.getInteger("weight"));
    }
    list.sort(Comparator.naturalOrder());
    return list;
  }

  /** {@code PUT /api/v1/mode} through one node; fails unless it answers 200 with the new mode. */
  public void setMode(int node, String mode) {
    Reply reply = put(node, "/api/v1/mode", new JsonObject().put("mode", mode));
    if (reply.status() != 200 || !mode.equals(reply.json().getString("mode"))) {
      throw new AssertionError("PUT mode " + mode + " on lb-" + node + ": " + reply);
    }
  }

  /** {@code PUT /api/v1/table/KEY} through one node; fails unless it answers 200 with the entry. */
  public JsonObject putOverride(int node, String key, String broker) {
    Reply reply = put(node, "/api/v1/table/" + encodePath(key), new JsonObject().put("broker", broker));
    if (reply.status() != 200 || !broker.equals(reply.json().getString("broker"))
        || !"override".equals(reply.json().getString("kind"))) {
      throw new AssertionError("PUT override " + key + " -> " + broker + " on lb-" + node + ": " + reply);
    }
    return reply.json();
  }

  /** {@code PUT /api/v1/brokers/ID} through one node, keeping the broker's address. */
  public void setWeight(int node, String brokerId, int weight) {
    Reply reply = put(node, "/api/v1/brokers/" + brokerId,
        new JsonObject().put("address", "127.0.0.1:" + broker(brokerId).port()).put("weight", weight));
    if (reply.status() / 100 != 2 || reply.json().getInteger("weight") != weight) {
      throw new AssertionError("PUT broker " + brokerId + " weight " + weight + " on lb-" + node + ": " + reply);
    }
  }

  /** Every live entry of one node's table, key to {@code kind:broker} (an override hides a sticky entry). */
  public Map<String, String> tableEntries(int node) {
    JsonObject table = table(node, "limit=10000");
    Map<String, String> entries = new TreeMap<>();
    for (Object o : table.getJsonArray("entries")) {
      JsonObject entry = (JsonObject) o;
      entries.put(entry.getString("key"), entry.getString("kind") + ":" + entry.getString("broker"));
    }
    return entries;
  }

  /**
   * What every node must answer for {@code ids} in table mode, given the table and the broker
   * weights: {@code broker/override}, else {@code broker/sticky}, else the ring owner {@code /ring}.
   */
  public static Map<String, String> expectedRoutes(List<String> ids, Map<String, String> tableEntries,
                                                   Map<String, Integer> weights) {
    HashRing ring = expectedRing(weights);
    Map<String, String> expected = new HashMap<>();
    for (String id : ids) {
      String entry = tableEntries.get(id);
      if (entry != null) {
        int colon = entry.indexOf(':');
        expected.put(id, entry.substring(colon + 1) + "/" + entry.substring(0, colon));
      } else {
        expected.put(id, ringOwner(ring, id) + "/ring");
      }
    }
    return expected;
  }

  /**
   * Waits until every running node satisfies {@code condition} (polled every 20 ms); fails naming
   * the nodes that did not, with {@code what}.
   */
  public void awaitAll(Duration timeout, String what, java.util.function.IntPredicate condition)
      throws InterruptedException {
    List<Integer> lagging = new ArrayList<>();
    boolean done = poll(timeout, 20, () -> {
      lagging.clear();
      for (int node = 1; node <= NODES; node++) {
        if (isRunning(node) && !condition.test(node)) {
          lagging.add(node);
        }
      }
      return lagging.isEmpty();
    });
    if (!done) {
      throw new AssertionError("nodes " + lagging + " did not reach: " + what + " within " + timeout);
    }
  }

  /**
   * Puts the tier back as it started: the configured mode, brokers b1..b3 at weight 1 on their
   * brokers' addresses, an empty table; waits until every node shows it.
   */
  public void reset() throws InterruptedException {
    int node = firstRunning();
    setMode(node, options.mode());
    for (MosquittoBroker broker : brokers) {
      setWeight(node, broker.id(), 1);
    }
    List<String> expectedBrokers = new ArrayList<>();
    brokers.forEach(b -> expectedBrokers.add(b.id() + "=127.0.0.1:" + b.port() + "×1"));
    // Sticky refreshes of clients that just left may land after a first sweep: sweep until empty.
    boolean empty = poll(Duration.ofSeconds(10), 100, () -> {
      for (String key : tableEntries(node).keySet()) {
        delete(node, "/api/v1/table/" + encodePath(key));
      }
      for (int n = 1; n <= NODES; n++) {
        if (isRunning(n) && table(n, "limit=1").getLong("size") != 0) {
          return false;
        }
      }
      return true;
    });
    if (!empty) {
      throw new AssertionError("the table did not empty: " + table(node, "limit=20"));
    }
    awaitAll(Duration.ofSeconds(5), "mode " + options.mode() + ", brokers " + expectedBrokers,
        n -> mode(n).equals(options.mode()) && brokerList(n).equals(expectedBrokers));
  }

  private int firstRunning() {
    for (int node = 1; node <= NODES; node++) {
      if (isRunning(node)) {
        return node;
      }
    }
    throw new IllegalStateException("no node is running");
  }

  /**
   * The ring the nodes must agree on, built here from the brokers the test started (ids b1..b3,
   * weight 1, 160 points each), independently of any node.
   */
  public static HashRing expectedRing(Map<String, Integer> weights) {
    List<RingMember> members = new ArrayList<>();
    weights.forEach((id, weight) -> members.add(new RingMember(id, weight)));
    return HashRing.build(members, HashRing.DEFAULT_VIRTUAL_NODES);
  }

  public static String ringOwner(HashRing ring, String key) {
    return ring.memberId(ring.lookup(RingHash.hashKey(key)));
  }

  /**
   * The owner of {@code key} while the brokers in {@code down} are skipped: the lookup walks on
   * clockwise, so each key of a down broker goes to the broker that owns it in a ring built without
   * the down ones.
   */
  public static String ringOwner(HashRing ring, String key, Set<String> down) {
    int index = ring.lookup(RingHash.hashKey(key), i -> !down.contains(ring.memberId(i)));
    return ring.memberId(index);
  }

  /** The ring owner of each key, with the brokers in {@code down} skipped. */
  public static Map<String, String> ringOwners(HashRing ring, List<String> keys, Set<String> down) {
    Map<String, String> owners = new HashMap<>();
    keys.forEach(key -> owners.put(key, ringOwner(ring, key, down)));
    return owners;
  }

  public static Map<String, Integer> equalWeights() {
    Map<String, Integer> weights = new HashMap<>();
    BROKER_IDS.forEach(id -> weights.put(id, 1));
    return weights;
  }

  /** Polls {@code condition} every {@code everyMillis} until it holds; false when {@code timeout} passed. */
  public static boolean poll(Duration timeout, long everyMillis, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(everyMillis);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A key as one path segment: percent-encoded, spaces as %20 (not '+', which a path keeps). */
  public static String encodePath(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- files and cleanup ----

  public Path dir() {
    return dir;
  }

  public Path logFile(int node) {
    return dir.resolve("node-" + node + ".log");
  }

  private Path nodeFile(int node) {
    return dir.resolve("node-" + node + ".yaml");
  }

  private Path hazelcastFile(int node) {
    return dir.resolve("hazelcast-" + node + ".yaml");
  }

  /** Keeps the tier's directory (configurations, node logs) after {@link #close()}. */
  public void keepFiles() {
    keepFiles = true;
  }

  /** Each node's log file and its last lines, for a failure message. */
  public String describeLogs() {
    StringBuilder out = new StringBuilder("node logs in " + dir + ":\n");
    for (int node = 1; node <= NODES; node++) {
      Path log = logFile(node);
      out.append("  lb-").append(node).append(": ").append(log).append('\n');
      try {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.append("    | ").append(l).append('\n'));
      } catch (IOException e) {
        out.append("    <").append(e).append(">\n");
      }
    }
    return out.toString();
  }

  /** Stops every node (SIGTERM, then SIGKILL after a grace period) and every broker this tier started. */
  @Override
  public void close() {
    for (int node = 1; node <= NODES; node++) {
      if (frozen[node - 1] && isRunning(node)) {
        try {
          resume(node); // a stopped JVM would sit out SIGTERM's grace period
        } catch (IOException | InterruptedException | AssertionError e) {
          processes[node - 1].destroyForcibly();
        }
      }
    }
    for (Process process : processes) {
      if (process != null && process.isAlive()) {
        process.destroy();
      }
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (Process process : processes) {
      if (process == null) {
        continue;
      }
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    brokers.forEach(MosquittoBroker::close);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    if (keepFiles) {
      System.err.println("ClusterTier: kept " + dir);
    } else {
      deleteDir();
    }
  }

  private void killAll() {
    for (Process process : processes) {
      if (process != null) {
        process.destroyForcibly();
      }
    }
    brokers.forEach(MosquittoBroker::kill);
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp directory is harmless
    }
  }
}
