package io.mqttlb.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
    subcommands = {BrokersCommand.Set.class, BrokersCommand.Remove.class})
final class BrokersCommand implements Callable<Integer> {
  @Mixin
  AdminClientOptions admin;

  @Override
  public Integer call() {
    return admin.run(client -> admin.show(client.get(ApiPath.of("/api/v1/brokers")), answer -> table(answer.array())));
  }

  /** The broker table of {@code brokers} and {@code status}, from the API's broker objects. */
  static String table(JsonArray brokers) {
    TextTable table = new TextTable("ID", "ADDRESS", "WEIGHT", "HEALTHY", "CONNECTIONS").rightAligned("WEIGHT", "CONNECTIONS");
    for (Object item : brokers) {
      JsonObject broker = item instanceof JsonObject object ? object : new JsonObject();
      Object healthy = broker.getValue("healthy");
      table.row(broker.getValue("id"), broker.getValue("address"), broker.getValue("weight"),
          healthy instanceof Boolean up ? (up ? "yes" : "no") : healthy, broker.getValue("connections"));
    }
    return table.render();
  }

  /** {@code mqttlb brokers set ID ADDRESS [--weight W]}: adds a broker, or changes one. */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Add a broker, or change the address or weight of one, on every node. Connections routed"
          + " afterwards follow the new ring; open ones are not cut.")
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

    @Override
    public Integer call() {
      admin.requireNonEmpty("ID", id);
      JsonObject body = new JsonObject().put("address", address);
      if (weight != null) {
        body.put("weight", weight);
      }
      return admin.run(client -> admin.show(client.put(ApiPath.of("/api/v1/brokers").segment(id), body), answer -> {
        JsonObject broker = answer.object();
        return (answer.status() == 201 ? "added" : "changed") + " broker " + TextTable.printable(String.valueOf(broker.getValue("id")))
            + ": " + broker.getValue("address") + ", weight " + broker.getValue("weight");
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
