package io.mqttlb.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads a node configuration file into a validated {@link NodeConfig}, or fails with
 * one {@link ConfigException} naming the file, the key and the problem. Stateless and thread-safe.
 *
 * <p>How a file is read:
 * <ul>
 *   <li>Through the YAML layer every mqttlb file shares ({@link YamlDocument}): no tag can
 *       instantiate a type, aliases are limited, nesting is bounded.
 *   <li>Every key is checked against the keys a node knows (docs/configuration.md): a typo is an error, not a
 *       silently ignored setting. Absent keys and keys with an empty value take the defaults of
 *       {@link NodeConfig#defaults()}; {@code listeners[i].name}, {@code brokers[i].id} and
 *       {@code brokers[i].address} are required.
 *   <li>{@code ${NAME}} and {@code ${NAME:-default}} are substituted in scalar values (not in
 *       keys or comments) after parsing, so an environment value is always one whole value and
 *       cannot change the file's structure. See {@link EnvSubstitution}.
 *   <li>Values are then checked by the records' constructors; a listener's TLS files are read and
 *       checked ({@link TlsFiles}); a broker at one of the node's own
 *       listeners is refused ({@link SelfAddress}); the planned features listed in
 *       {@link NotYetAvailable} are refused; and a standalone node must have a broker.
 * </ul>
 *
 * <p>{@code cluster.hazelcastConfig} is taken as a path here and read where Hazelcast is: the command
 * that starts a node checks it first ({@code io.mqttlb.cluster.HazelcastSetup#check}), with an error
 * of the same form, so that this package needs nothing of Hazelcast.
 */
public final class ConfigLoader {
  static final List<String> TOP_KEYS =
      List.of("node", "listeners", "admin", "brokers", "routing", "health", "limits", "cluster");
  static final List<String> NODE_KEYS = List.of("id");
  static final List<String> LISTENER_KEYS = List.of("name", "host", "port", "websocket", "tls", "acceptProxyProtocol");
  static final List<String> TLS_KEYS =
      List.of("certPath", "keyPath", "provider", "sni", "caPath", "clientAuth", "watchInterval");
  static final List<String> SNI_KEYS = List.of("serverName", "certPath", "keyPath");
  static final List<String> WEBSOCKET_KEYS = List.of("path", "allowedOrigins", "maxFrameBytes");
  static final List<String> ADMIN_KEYS = List.of("host", "port", "token", "allowUnauthenticated", "tls");
  /** A listener's TLS keys without SNI and file watching: the admin API is restarted to change its certificate. */
  static final List<String> ADMIN_TLS_KEYS = List.of("certPath", "keyPath", "provider", "caPath", "clientAuth");
  static final List<String> BROKER_KEYS = List.of("id", "address", "weight", "sendProxyProtocol", "tls", "maxConnectRate");
  static final List<String> BROKER_TLS_KEYS = List.of("caPath", "serverName", "verify");
  static final List<String> ROUTING_KEYS = List.of("mode", "key", "cleanSessions", "virtualNodes", "table");
  static final List<String> ROUTING_TABLE_KEYS = List.of("stickyTtl", "maxEntries");
  static final List<String> HEALTH_KEYS = List.of("interval", "timeout", "rise", "fall", "probe");
  static final List<String> LIMITS_KEYS =
      List.of("connectTimeout", "maxConnectBytes", "maxConnections", "backendConnectTimeout", "perSourceAddress",
          "maxConnectRatePerBroker", "admissionWait", "admissionQueue");
  static final List<String> PER_SOURCE_KEYS = List.of("maxConnections", "connectRate");
  static final List<String> CLUSTER_KEYS = List.of("hazelcastConfig");

  private ConfigLoader() {}

  /** Reads {@code file} (UTF-8), substituting from {@link System#getenv()}. */
  public static NodeConfig load(Path file) throws ConfigException {
    return parse(YamlDocument.read(file), file.toString(), System.getenv());
  }

  /**
   * Parses configuration text.
   *
   * @param fileName what messages call the file
   * @param env the environment for {@code ${NAME}} references
   */
  public static NodeConfig parse(String yamlText, String fileName, Map<String, String> env) throws ConfigException {
    Objects.requireNonNull(yamlText, "yamlText");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(env, "env");
    YamlValue root = YamlDocument.parse(yamlText, fileName, env, "a node needs at least a brokers list");
    return new Reading(fileName).node(root);
  }

  /** One pass over one file: collects uses of {@link NotYetAvailable} features on the way. */
  private static final class Reading {
    private final String file;
    private final List<NotYetAvailable.Use> planned = new ArrayList<>();

    Reading(String file) {
      this.file = file;
    }

    NodeConfig node(YamlValue top) throws ConfigException {
      NodeConfig defaults = NodeConfig.defaults();
      YamlMapping root = top.asMapping(TOP_KEYS);

      String nodeId = defaults.nodeId();
      YamlValue node = root.get("node");
      if (node != null) {
        YamlValue id = node.asMapping(NODE_KEYS).get("id");
        nodeId = id == null ? nodeId : id.asString();
      }
      List<ListenerConfig> listeners = defaults.listeners();
      if (root.get("listeners") != null) {
        listeners = new ArrayList<>();
        for (YamlValue item : root.get("listeners").asList()) {
          listeners.add(listener(item));
        }
      }
      AdminConfig admin = root.get("admin") == null ? defaults.admin() : admin(root.get("admin"));
      List<BrokerConfig> brokers = new ArrayList<>();
      if (root.get("brokers") != null) {
        for (YamlValue item : root.get("brokers").asList()) {
          brokers.add(broker(item));
        }
      }
      RoutingConfig routing = root.get("routing") == null ? defaults.routing() : routing(root.get("routing"));
      HealthConfig health = root.get("health") == null ? defaults.health() : health(root.get("health"));
      LimitsConfig limits = root.get("limits") == null ? defaults.limits() : limits(root.get("limits"));
      ClusterConfig cluster = root.get("cluster") == null ? defaults.cluster() : cluster(root.get("cluster"));

      String finalNodeId = nodeId;
      List<ListenerConfig> finalListeners = listeners;
      NodeConfig config = build(top, Map.of("nodeId", "node.id"), () ->
          new NodeConfig(finalNodeId, finalListeners, admin, brokers, routing, health, limits, cluster));

      refuseSelfLoops(config);
      NotYetAvailable.refuse(file, planned);
      if (config.brokers().isEmpty() && !config.cluster().clustered()) {
        throw new ConfigException(file, "brokers", "a standalone node needs at least one broker");
      }
      return config;
    }

    /** A broker at one of this node's own listeners would have the node relay clients to itself. */
    private void refuseSelfLoops(NodeConfig config) throws ConfigException {
      SelfAddress self = SelfAddress.of(SelfAddress.configured(config.listeners()));
      for (int i = 0; i < config.brokers().size(); i++) {
        Optional<String> problem = self.loopProblem(config.brokers().get(i));
        if (problem.isPresent()) {
          throw new ConfigException(file, "brokers[" + i + "].address", problem.get());
        }
      }
    }

    private ListenerConfig listener(YamlValue item) throws ConfigException {
      ListenerConfig defaults = ListenerConfig.defaults();
      YamlMapping m = item.asMapping(LISTENER_KEYS);
      String name = m.require("name").asString();
      String host = m.get("host") == null ? defaults.host() : m.get("host").asString();
      int port = m.get("port") == null ? defaults.port() : m.get("port").asInt();
      boolean acceptProxy = m.get("acceptProxyProtocol") != null && m.get("acceptProxyProtocol").asBoolean();
      if (m.contains("tls") && m.get("tls") == null) {
        throw item.error("tls", "must not be empty: give at least certPath and keyPath, or remove the key for plain MQTT");
      }
      TlsConfig tls = m.get("tls") == null ? null : tls(m.get("tls"), TLS_KEYS);
      WebSocketConfig websocket = m.contains("websocket") ? websocket(m.get("websocket")) : null;
      ListenerConfig listener = build(item, Map.of(),
          () -> new ListenerConfig(name, host, port, acceptProxy, tls, websocket));
      return listener;
    }

    /** A listener's or the admin API's TLS: {@code keys} are those the place accepts. */
    private TlsConfig tls(YamlValue value, List<String> keys) throws ConfigException {
      YamlMapping m = value.asMapping(keys);
      String certPath = m.require("certPath").asString();
      String keyPath = m.require("keyPath").asString();
      TlsProvider provider = m.get("provider") == null ? TlsProvider.AUTO
          : parsed(m.get("provider"), TlsProvider::parse);
      List<SniCertificate> sni = new ArrayList<>();
      if (m.get("sni") != null) {
        for (YamlValue item : m.get("sni").asList()) {
          YamlMapping entry = item.asMapping(SNI_KEYS);
          String serverName = entry.require("serverName").asString();
          String sniCert = entry.require("certPath").asString();
          String sniKey = entry.require("keyPath").asString();
          sni.add(build(item, Map.of(), () -> new SniCertificate(serverName, sniCert, sniKey)));
        }
      }
      String caPath = m.get("caPath") == null ? null : m.get("caPath").asString();
      ClientAuth clientAuth = m.get("clientAuth") == null ? ClientAuth.NONE
          : parsed(m.get("clientAuth"), ClientAuth::parse);
      Duration watchInterval = m.get("watchInterval") == null ? TlsConfig.DEFAULT_WATCH_INTERVAL
          : m.get("watchInterval").asDuration();
      TlsConfig tls = build(value, Map.of(),
          () -> new TlsConfig(certPath, keyPath, provider, sni, caPath, clientAuth, watchInterval));
      try {
        TlsFiles.read(tls); // a listener whose files cannot serve a handshake must not start at all
      } catch (TlsSettingException e) {
        throw value.error(e.key(), e.problem());
      }
      return tls;
    }

    /** {@code websocket:} with no value means every default ({@code /mqtt}, any origin). */
    private WebSocketConfig websocket(YamlValue value) throws ConfigException {
      WebSocketConfig defaults = WebSocketConfig.defaults();
      if (value == null) {
        return defaults;
      }
      YamlMapping m = value.asMapping(WEBSOCKET_KEYS);
      String path = m.get("path") == null ? defaults.path() : m.get("path").asString();
      List<String> origins = new ArrayList<>();
      if (m.get("allowedOrigins") != null) {
        for (YamlValue origin : m.get("allowedOrigins").asList()) {
          origins.add(origin.asString());
        }
      }
      int maxFrameBytes = m.get("maxFrameBytes") == null ? defaults.maxFrameBytes() : m.get("maxFrameBytes").asInt();
      return build(value, Map.of(), () -> new WebSocketConfig(path, origins, maxFrameBytes));
    }

    /** A labelled value ({@link TlsProvider}, {@link ClientAuth}, ...), its parse error reported at its key. */
    private static <T> T parsed(YamlValue value, java.util.function.Function<String, T> parse) throws ConfigException {
      try {
        return parse.apply(value.asString());
      } catch (IllegalArgumentException e) {
        throw value.error(e.getMessage());
      }
    }

    private AdminConfig admin(YamlValue value) throws ConfigException {
      AdminConfig defaults = AdminConfig.defaults();
      YamlMapping m = value.asMapping(ADMIN_KEYS);
      String host = m.get("host") == null ? defaults.host() : m.get("host").asString();
      int port = m.get("port") == null ? defaults.port() : m.get("port").asInt();
      String token = m.get("token") == null ? defaults.token() : m.get("token").asString();
      boolean allowUnauthenticated = m.get("allowUnauthenticated") != null && m.get("allowUnauthenticated").asBoolean();
      if (m.contains("tls") && m.get("tls") == null) {
        throw value.error("tls", "must not be empty: give at least certPath and keyPath, or remove the key for plain HTTP");
      }
      TlsConfig tls = m.get("tls") == null ? null
          : tls(m.get("tls"), ADMIN_TLS_KEYS).withWatchInterval(Duration.ZERO);
      return build(value, Map.of(), () -> new AdminConfig(host, port, token, allowUnauthenticated, tls));
    }

    private BrokerConfig broker(YamlValue item) throws ConfigException {
      YamlMapping m = item.asMapping(BROKER_KEYS);
      String id = m.require("id").asString();
      String address = m.require("address").asString();
      int weight = m.get("weight") == null ? BrokerConfig.DEFAULT_WEIGHT : m.get("weight").asInt();
      ProxyProtocol sendProxy = ProxyProtocol.NONE;
      YamlValue proxy = m.get("sendProxyProtocol");
      if (proxy != null) {
        try {
          sendProxy = ProxyProtocol.parse(proxy.asString());
        } catch (IllegalArgumentException e) {
          throw proxy.error(e.getMessage());
        }
      }
      ProxyProtocol finalSendProxy = sendProxy;
      BrokerTlsConfig tls = m.contains("tls") ? brokerTls(m.get("tls")) : null;
      int maxConnectRate = m.get("maxConnectRate") == null ? AdmissionLimits.OFF : m.get("maxConnectRate").asInt();
      return build(item, Map.of(), () -> BrokerConfig.of(id, address, weight).withSendProxyProtocol(finalSendProxy)
          .withTls(tls).withMaxConnectRate(maxConnectRate));
    }

    /**
     * {@code tls:} with no value means TLS with every default (the JVM's trust, the broker's host
     * as the name, verification on). The CA file is read now, so that a missing or wrong file is
     * a configuration error rather than a broker that every connection fails to reach.
     */
    private BrokerTlsConfig brokerTls(YamlValue value) throws ConfigException {
      if (value == null) {
        return BrokerTlsConfig.DEFAULTS;
      }
      YamlMapping m = value.asMapping(BROKER_TLS_KEYS);
      String caPath = m.get("caPath") == null ? null : m.get("caPath").asString();
      String serverName = m.get("serverName") == null ? null : m.get("serverName").asString();
      boolean verify = m.get("verify") == null || m.get("verify").asBoolean();
      BrokerTlsConfig tls = build(value, Map.of(), () -> new BrokerTlsConfig(caPath, serverName, verify));
      if (tls.caPath() != null) {
        Optional<String> problem = CaFile.problem(tls.caPath());
        if (problem.isPresent()) {
          throw m.get("caPath").error(problem.get());
        }
      }
      return tls;
    }

    private RoutingConfig routing(YamlValue value) throws ConfigException {
      RoutingConfig defaults = RoutingConfig.defaults();
      YamlMapping m = value.asMapping(ROUTING_KEYS);
      RoutingMode mode = defaults.mode();
      if (m.get("mode") != null) {
        try {
          mode = RoutingMode.parse(m.get("mode").asString());
        } catch (IllegalArgumentException e) {
          throw m.get("mode").error(e.getMessage());
        }
      }
      KeyField key = defaults.key();
      if (m.get("key") != null) {
        try {
          key = KeyField.parse(m.get("key").asString());
        } catch (IllegalArgumentException e) {
          throw m.get("key").error(e.getMessage());
        }
      }
      CleanSessionRouting cleanSessions = defaults.cleanSessions();
      if (m.get("cleanSessions") != null) {
        try {
          cleanSessions = CleanSessionRouting.parse(m.get("cleanSessions").asString());
        } catch (IllegalArgumentException e) {
          throw m.get("cleanSessions").error(e.getMessage());
        }
      }
      int virtualNodes = m.get("virtualNodes") == null ? defaults.virtualNodes() : m.get("virtualNodes").asInt();
      Duration stickyTtl = defaults.stickyTtl();
      long maxEntries = defaults.maxEntries();
      if (m.get("table") != null) {
        YamlMapping table = m.get("table").asMapping(ROUTING_TABLE_KEYS);
        stickyTtl = table.get("stickyTtl") == null ? stickyTtl : table.get("stickyTtl").asDuration();
        maxEntries = table.get("maxEntries") == null ? maxEntries : table.get("maxEntries").asLong();
      }
      RoutingMode finalMode = mode;
      KeyField finalKey = key;
      Duration finalTtl = stickyTtl;
      long finalMaxEntries = maxEntries;
      CleanSessionRouting finalCleanSessions = cleanSessions;
      RoutingConfig routing = build(value, Map.of("stickyTtl", "table.stickyTtl", "maxEntries", "table.maxEntries"),
          () -> new RoutingConfig(finalMode, finalKey, virtualNodes, finalTtl, finalMaxEntries, finalCleanSessions));
      return routing;
    }

    private HealthConfig health(YamlValue value) throws ConfigException {
      HealthConfig defaults = HealthConfig.defaults();
      YamlMapping m = value.asMapping(HEALTH_KEYS);
      Duration interval = m.get("interval") == null ? defaults.interval() : m.get("interval").asDuration();
      Duration timeout = m.get("timeout") == null ? defaults.timeout() : m.get("timeout").asDuration();
      int rise = m.get("rise") == null ? defaults.rise() : m.get("rise").asInt();
      int fall = m.get("fall") == null ? defaults.fall() : m.get("fall").asInt();
      HealthProbeKind probe = defaults.probe();
      if (m.get("probe") != null) {
        try {
          probe = HealthProbeKind.parse(m.get("probe").asString());
        } catch (IllegalArgumentException e) {
          throw m.get("probe").error(e.getMessage());
        }
      }
      HealthProbeKind finalProbe = probe;
      return build(value, Map.of(), () -> new HealthConfig(interval, timeout, rise, fall, finalProbe));
    }

    private LimitsConfig limits(YamlValue value) throws ConfigException {
      LimitsConfig defaults = LimitsConfig.defaults();
      YamlMapping m = value.asMapping(LIMITS_KEYS);
      Duration connectTimeout = m.get("connectTimeout") == null
          ? defaults.connectTimeout() : m.get("connectTimeout").asDuration();
      int maxConnectBytes = m.get("maxConnectBytes") == null
          ? defaults.maxConnectBytes() : m.get("maxConnectBytes").asInt();
      int maxConnections = m.get("maxConnections") == null
          ? defaults.maxConnections() : m.get("maxConnections").asInt();
      Duration backendConnectTimeout = m.get("backendConnectTimeout") == null
          ? defaults.backendConnectTimeout() : m.get("backendConnectTimeout").asDuration();
      SourceAddressLimits perSource = m.get("perSourceAddress") == null ? defaults.perSourceAddress()
          : perSourceAddress(m.get("perSourceAddress"));
      AdmissionLimits admissionDefaults = defaults.admission();
      int brokerRate = m.get("maxConnectRatePerBroker") == null
          ? admissionDefaults.maxConnectRatePerBroker() : m.get("maxConnectRatePerBroker").asInt();
      Duration admissionWait = m.get("admissionWait") == null
          ? admissionDefaults.maxWait() : m.get("admissionWait").asDuration();
      int admissionQueue = m.get("admissionQueue") == null
          ? admissionDefaults.queue() : m.get("admissionQueue").asInt();
      AdmissionLimits admission = build(value, Map.of(),
          () -> new AdmissionLimits(brokerRate, admissionWait, admissionQueue));
      return build(value, Map.of(), () -> new LimitsConfig(connectTimeout, maxConnectBytes, maxConnections,
          backendConnectTimeout, perSource, admission));
    }

    private SourceAddressLimits perSourceAddress(YamlValue value) throws ConfigException {
      YamlMapping m = value.asMapping(PER_SOURCE_KEYS);
      int maxConnections = m.get("maxConnections") == null ? SourceAddressLimits.OFF : m.get("maxConnections").asInt();
      int connectRate = m.get("connectRate") == null ? SourceAddressLimits.OFF : m.get("connectRate").asInt();
      return build(value, Map.of(), () -> new SourceAddressLimits(maxConnections, connectRate));
    }

    private ClusterConfig cluster(YamlValue value) throws ConfigException {
      YamlValue hazelcast = value.asMapping(CLUSTER_KEYS).get("hazelcastConfig");
      String path = hazelcast == null ? "" : hazelcast.asString().strip();
      if (path.isEmpty()) {
        // Also what ${HAZELCAST_CONFIG:-} gives when the variable is unset: run standalone.
        return ClusterConfig.standalone();
      }
      // The file itself is Hazelcast's to read: the cluster package checks it before the node starts.
      return new ClusterConfig(path);
    }

    /**
     * Runs a record constructor, reporting its {@link InvalidFieldException} under the key the
     * file uses: {@code at}'s path, then the field, renamed where the file nests or names it differently.
     */
    private <T> T build(YamlValue at, Map<String, String> renames, Supplier<T> constructor) throws ConfigException {
      try {
        return constructor.get();
      } catch (InvalidFieldException e) {
        throw at.error(renames.getOrDefault(e.field(), e.field()), e.problem());
      }
    }
  }
}
