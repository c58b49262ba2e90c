package io.mqttlb.cli;

import io.mqttlb.config.ProxyProtocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mqttlb brokers}: lists the brokers behind the tier; its subcommands change them. A change
 * made through one node reaches every node of the tier.
 */
@Command(name = "brokers", mixinStandardHelpOptions = true,
    description = "List the brokers behind the tier, or change them (see the subcommands).",
    subcommands = {BrokersCommand.Set.class, BrokersCommand.Remove.class, BrokersCommand.Drain.class,
        BrokersCommand.Enable.class})
final class BrokersCommand implements Callable<Integer> {
  @Mixin
  AdminClientOptions admin;

  @Override
  public Integer call() {
    return admin.run(client -> admin.show(client.get(ApiPath.of("/api/v1/brokers")), answer -> table(answer.array())));
  }

  /**
   * The broker table of {@code brokers} and {@code status}, from the API's broker objects. The PROXY
   * column (the PROXY protocol version sent to the broker) and the TLS column (how the node's
   * connections to the broker are secured, see {@link #tls}) and the MAX RATE column (the broker's own
   * cap on new connections per second across the tier; "default" for the tier's) are shown only when
   * some broker needs them, so that the common table stays narrow.
   */
  static String table(JsonArray brokers) {
    boolean proxyColumn = brokers.stream().anyMatch(item -> item instanceof JsonObject broker && sendsProxyHeader(broker));
    boolean tlsColumn = brokers.stream().anyMatch(item -> item instanceof JsonObject broker && broker.getValue("tls") != null);
    boolean rateColumn = brokers.stream().anyMatch(item -> item instanceof JsonObject broker && capsRate(broker));
    List<String> columns = new ArrayList<>(List.of("ID", "ADDRESS", "WEIGHT", "HEALTHY", "CONNECTIONS", "DRAINED"));
    if (proxyColumn) {
      columns.add(columns.indexOf("WEIGHT") + 1, "PROXY");
    }
    if (tlsColumn) {
      columns.add(columns.indexOf("HEALTHY"), "TLS");
    }
    if (rateColumn) {
      columns.add(columns.indexOf("HEALTHY"), "MAX RATE");
    }
    TextTable table = new TextTable(columns.toArray(String[]::new)).rightAligned("WEIGHT", "CONNECTIONS");
    if (rateColumn) {
      table.rightAligned("MAX RATE");
    }
    for (Object item : brokers) {
      JsonObject broker = item instanceof JsonObject object ? object : new JsonObject();
      List<Object> row = new ArrayList<>(Arrays.asList(broker.getValue("id"), broker.getValue("address"),
          broker.getValue("weight"), health(broker), broker.getValue("connections"), yesNo(broker.getValue("drained"))));
      if (proxyColumn) {
        // An older node does not answer the field: it sends no header.
        row.add(columns.indexOf("PROXY"), broker.getValue("sendProxyProtocol", ProxyProtocol.NONE.label()));
      }
      if (tlsColumn) {
        row.add(columns.indexOf("TLS"), tls(broker.getValue("tls")));
      }
      if (rateColumn) {
        row.add(columns.indexOf("MAX RATE"), capsRate(broker) ? broker.getValue("maxConnectRate") + "/s" : "default");
      }
      table.row(row.toArray());
    }
    return table.render();
  }

  /**
   * A broker's TLS in a few words: "no" (plain TCP), "yes" (the certificate is checked against the
   * broker's host), "yes (b1.example.com)" (checked against that name), "unverified" (encrypted,
   * certificate not checked).
   */
  static String tls(Object settings) {
    if (!(settings instanceof JsonObject tls)) {
      return "no";
    }
    if (Boolean.FALSE.equals(tls.getValue("verify"))) {
      return "unverified";
    }
    Object serverName = tls.getValue("serverName");
    return serverName == null ? "yes" : "yes (" + TextTable.printable(String.valueOf(serverName)) + ")";
  }

  /** Whether the broker has a connect-rate cap of its own (an older node does not answer the field: none). */
  private static boolean capsRate(JsonObject broker) {
    return broker.getValue("maxConnectRate") instanceof Number rate && rate.intValue() > 0;
  }

  private static boolean sendsProxyHeader(JsonObject broker) {
    Object version = broker.getValue("sendProxyProtocol");
    return version != null && !ProxyProtocol.NONE.label().equals(version);
  }

  /**
   * The tier's verdict, followed by the nodes whose checks fail the broker when there are any: "no
   * (down for lb-1,lb-2)" for a dead broker, "yes (down for lb-3)" when only a minority sees it down
   * (that node has a bad link, or the broker is just dying).
   */
  static Object health(JsonObject broker) {
    Object verdict = yesNo(broker.getValue("healthy"));
    JsonArray seenDownBy = broker.getValue("seenDownBy") instanceof JsonArray nodes ? nodes : new JsonArray();
    if (seenDownBy.isEmpty()) {
      return verdict;
    }
    StringBuilder nodes = new StringBuilder();
    for (Object node : seenDownBy) {
      nodes.append(nodes.length() == 0 ? "" : ",").append(node);
    }
    return verdict + " (down for " + nodes + ")";
  }

  private static Object yesNo(Object flag) {
    return flag instanceof Boolean yes ? (yes ? "yes" : "no") : flag;
  }

  /** {@code mqttlb brokers drain ID --rate N}. */
  @Command(name = "drain", mixinStandardHelpOptions = true,
      description = "Drain a broker on every node: it gets no new clients, and its clients are disconnected at N per"
          + " second across the tier (MQTT 5 clients get DISCONNECT \"use another server\") and reconnect to their"
          + " ring successors. Follow the job with status.")
  static final class Drain implements Callable<Integer> {
    @Mixin
    AdminClientOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "Broker id.")
    String id;

    @Option(names = "--rate", required = true, paramLabel = "N",
        description = "Disconnects per second across the tier, more than 0 and at most 1000000.")
    double rate;

    @Override
    public Integer call() {
      admin.requireNonEmpty("ID", id);
      JsonObject body = RebalanceCommand.rateBody(admin, rate);
      return admin.run(client -> admin.show(client.post(ApiPath.of("/api/v1/brokers").segment(id).segment("drain"), body),
          answer -> {
            JsonObject job = answer.object();
            return "draining broker " + TextTable.printable(String.valueOf(job.getValue("broker"))) + " at "
                + job.getValue("rate") + "/s: " + job.getValue("clients") + " client(s) to move (job " + job.getValue("id") + ")";
          }));
    }
  }

  /** {@code mqttlb brokers enable ID}. */
  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = "Let a drained broker take new clients again, on every node. Clients that moved away stay where"
          + " they are until they reconnect (or a rebalance moves them back).")
  static final class Enable implements Callable<Integer> {
    @Mixin
    AdminClientOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "Broker id.")
    String id;

    @Override
    public Integer call() {
      admin.requireNonEmpty("ID", id);
      return admin.run(client -> admin.show(
          client.post(ApiPath.of("/api/v1/brokers").segment(id).segment("enable"), new JsonObject()),
          answer -> "enabled broker " + TextTable.printable(String.valueOf(answer.object().getValue("enabled")))));
    }
  }

  /**
   * {@code mqttlb brokers set ID ADDRESS [--weight W] [--send-proxy-protocol none|v1|v2] [--tls | --no-tls]
   * [--tls-ca FILE] [--tls-server-name NAME] [--tls-no-verify] [--max-connect-rate N]}: adds a broker, or changes one.
   */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Add a broker, or change the address, weight, PROXY protocol, TLS or connect-rate cap of one, on"
          + " every node."
          + " Connections routed afterwards follow the new ring and settings; open ones are not cut.")
  static final class Set implements Callable<Integer> {
    @Mixin
    AdminClientOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "Broker id, e.g. b4.")
    String id;

    @Parameters(index = "1", paramLabel = "ADDRESS", description = "host:port of the broker, e.g. 10.0.0.5:1883.")
    String address;

    @Option(names = "--weight", paramLabel = "W",
        description = "Share of the ring, 1 or more (default: 1 for a new broker, unchanged for an existing one).")
    Integer weight;

    @Option(names = "--send-proxy-protocol", paramLabel = "VERSION",
        description = "none, v1 or v2: start every connection to the broker (relayed clients and health checks) with a"
            + " PROXY protocol header of this version, for a broker that expects one (EMQX proxy_protocol = true)"
            + " (default: none for a new broker, unchanged for an existing one).")
    String sendProxyProtocol;

    @Option(names = "--tls",
        description = "Connect to the broker over TLS (relayed clients and health checks), checking its certificate"
            + " against the JVM's default authorities and its host; the --tls-* options change that. Without --tls,"
            + " --tls-* or --no-tls: plain TCP for a new broker, unchanged for an existing one.")
    boolean tls;

    @Option(names = "--no-tls", description = "Connect to the broker over plain TCP.")
    boolean noTls;

    @Option(names = "--tls-ca", paramLabel = "FILE",
        description = "PEM file of the CA certificates the broker's certificate must chain to, as the nodes see it:"
            + " the same path must hold the file on every node; an absolute path is safest (implies --tls).")
    String tlsCa;

    @Option(names = "--tls-server-name", paramLabel = "NAME",
        description = "Name sent by SNI and checked in the broker's certificate, instead of its host (implies --tls).")
    String tlsServerName;

    @Option(names = "--tls-no-verify",
        description = "Encrypt without checking the broker's certificate: anyone on the path can pose as the broker"
            + " (implies --tls).")
    boolean tlsNoVerify;

    @Option(names = "--max-connect-rate", paramLabel = "N",
        description = "At most N new connections per second to the broker across the whole tier (each node takes its"
            + " share); clients over it wait, then get \"server busy\". 0: the tier's default"
            + " (limits.maxConnectRatePerBroker). Default: 0 for a new broker, unchanged for an existing one.")
    Integer maxConnectRate;

    @Override
    public Integer call() {
      admin.requireNonEmpty("ID", id);
      JsonObject body = new JsonObject().put("address", address);
      if (weight != null) {
        body.put("weight", weight);
      }
      if (maxConnectRate != null) {
        if (maxConnectRate < 0) {
          throw admin.usageError("--max-connect-rate must be 0 or more, got " + maxConnectRate);
        }
        body.put("maxConnectRate", maxConnectRate);
      }
      if (sendProxyProtocol != null) {
        try {
          body.put("sendProxyProtocol", ProxyProtocol.parse(sendProxyProtocol).label());
        } catch (IllegalArgumentException e) {
          throw admin.usageError("--send-proxy-protocol: " + e.getMessage());
        }
      }
      boolean tlsAsked = tls || tlsCa != null || tlsServerName != null || tlsNoVerify;
      if (noTls && tlsAsked) {
        throw admin.usageError("--no-tls cannot be combined with --tls or a --tls-* option");
      }
      if (noTls) {
        body.putNull("tls");
      } else if (tlsAsked) {
        JsonObject settings = new JsonObject();
        if (tlsCa != null) {
          settings.put("caPath", tlsCa); // a path on the nodes, not where this command runs
        }
        if (tlsServerName != null) {
          settings.put("serverName", tlsServerName);
        }
        if (tlsNoVerify) {
          settings.put("verify", false);
        }
        body.put("tls", settings);
      }
      return admin.run(client -> admin.show(client.put(ApiPath.of("/api/v1/brokers").segment(id), body), answer -> {
        JsonObject broker = answer.object();
        return (answer.status() == 201 ? "added" : "changed") + " broker " + TextTable.printable(String.valueOf(broker.getValue("id")))
            + ": " + broker.getValue("address") + ", weight " + broker.getValue("weight")
            + (sendsProxyHeader(broker) ? ", PROXY protocol " + broker.getValue("sendProxyProtocol") : "")
            + (broker.getValue("tls") != null ? ", TLS " + tls(broker.getValue("tls")) : "")
            + (capsRate(broker) ? ", at most " + broker.getValue("maxConnectRate") + " new connections/s" : "");
      }));
    }
  }

  /** {@code mqttlb brokers remove ID}. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a broker from every node. Its clients stay connected; when they reconnect they go"
          + " to their ring successors.")
  static final class Remove implements Callable<Integer> {
    @Mixin
    AdminClientOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "Broker id.")
    String id;

    @Override
    public Integer call() {
      admin.requireNonEmpty("ID", id);
      return admin.run(client -> admin.show(client.delete(ApiPath.of("/api/v1/brokers").segment(id)),
          answer -> "removed broker " + TextTable.printable(String.valueOf(answer.object().getValue("removed")))));
    }
  }
}
