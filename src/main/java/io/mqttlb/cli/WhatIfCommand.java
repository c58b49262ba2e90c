package io.mqttlb.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mqttlb whatif [--remove ID] [--add ID[:W]] [--weight ID:W] [--drain ID] [--samples N]}: what a
 * change to the brokers would move, changing nothing, e.g.
 *
 * <pre>
 *   what if: add b4 (weight 1)  (mode hash, epoch 1)
 *   FROM  TO  KEY SPACE  CLIENTS  SAMPLE KEYS
 *   b1    b4     7.72 %        4  sensor-31, sensor-35, sensor-40, sensor-9
 *   b2    b4     8.04 %       11  sensor-0, sensor-19, sensor-20, sensor-34, sensor-36, ...
 *   b3    b4     9.43 %        8  sensor-10, sensor-14, sensor-17, sensor-18, sensor-21, ...
 *   all         25.19 %       23  of 60 connected clients, on lb-1
 * </pre>
 */
@Command(name = "whatif", mixinStandardHelpOptions = true,
    description = "Show what a change to the brokers would move, changing nothing: per pair of brokers, the share of"
        + " the key space and the connected clients of the whole tier that a rebalance after the change would move."
        + " Options combine and repeat.")
final class WhatIfCommand implements Callable<Integer> {
  @Mixin
  AdminClientOptions admin;

  @Option(names = "--remove", paramLabel = "ID", description = "A broker removed.")
  List<String> remove = new ArrayList<>();

  @Option(names = "--add", paramLabel = "ID[:W]", description = "A broker added, with weight W (default 1).")
  List<String> add = new ArrayList<>();

  @Option(names = "--weight", paramLabel = "ID:W", description = "A broker's new weight, 1 or more.")
  List<String> weight = new ArrayList<>();

  @Option(names = "--drain", paramLabel = "ID", description = "A broker drained.")
  List<String> drain = new ArrayList<>();

  @Option(names = "--samples", paramLabel = "N", defaultValue = "5",
      description = "Routing keys (client ids, unless the tier routes by another key) shown per pair, 0 to 1000"
          + " (default ${DEFAULT-VALUE}).")
  int samples;

  @Override
  public Integer call() {
    if (remove.isEmpty() && add.isEmpty() && weight.isEmpty() && drain.isEmpty()) {
      throw admin.usageError("give at least one of --remove ID, --add ID[:W], --weight ID:W, --drain ID");
    }
    ApiPath path = ApiPath.of("/api/v1/whatif");
    for (String id : remove) {
      path = path.query("remove", id);
    }
    for (String id : add) {
      path = path.query("add", id);
    }
    for (String idWeight : weight) {
      if (idWeight.indexOf(':') < 0) {
        throw admin.usageError("--weight takes ID:W, e.g. --weight b1:2, got '" + idWeight + "'");
      }
      path = path.query("weight", idWeight);
    }
    for (String id : drain) {
      path = path.query("drain", id);
    }
    ApiPath call = path.query("samples", samples);
    return admin.run(client -> admin.show(client.get(call), answer -> render(answer.object())));
  }

  static String render(JsonObject whatIf) {
    StringBuilder out = new StringBuilder();
    out.append("what if: ").append(TextTable.printable(String.valueOf(whatIf.getValue("change"))))
        .append("  (mode ").append(whatIf.getValue("mode")).append(", epoch ").append(whatIf.getValue("epoch"))
        .append(")\n");
    TextTable table = new TextTable("FROM", "TO", "KEY SPACE", "CLIENTS", "SAMPLE KEYS")
        .rightAligned("KEY SPACE", "CLIENTS");
    JsonArray moves = whatIf.getValue("moves") instanceof JsonArray list ? list : new JsonArray();
    for (Object item : moves) {
      JsonObject move = item instanceof JsonObject object ? object : new JsonObject();
      table.row(move.getValue("from"), move.getValue("to"), percent(move.getValue("keySpace")),
          move.getValue("clients"), samples(move));
    }
    JsonObject clients = whatIf.getValue("clients") instanceof JsonObject object ? object : new JsonObject();
    JsonArray nodes = whatIf.getValue("nodes") instanceof JsonArray list ? list : new JsonArray();
    table.row("all", "", percent(whatIf.getValue("keySpace")), clients.getValue("moving"),
        "of " + clients.getValue("connected") + " connected clients, on " + join(nodes));
    out.append(table.render());
    JsonArray incomplete = whatIf.getValue("incomplete") instanceof JsonArray list ? list : new JsonArray();
    if (!incomplete.isEmpty()) {
      out.append("incomplete: ").append(join(incomplete))
          .append(" did not answer; their clients are not counted\n");
    }
    return out.toString();
  }

  /** A share of the key space as a percentage, e.g. "8.23 %"; two decimals show a 1-in-10000 change. */
  private static String percent(Object share) {
    return share instanceof Number number ? String.format(Locale.ROOT, "%.2f %%", number.doubleValue() * 100) : null;
  }

  /** The sampled keys, and "..." when the pair has more clients than the sample; null (a dash) for none. */
  private static String samples(JsonObject move) {
    JsonArray keys = move.getValue("samples") instanceof JsonArray list ? list : new JsonArray();
    if (keys.isEmpty()) {
      return null;
    }
    Object count = move.getValue("clients");
    boolean more = count instanceof Number number && number.longValue() > keys.size();
    return join(keys) + (more ? ", ..." : "");
  }

  private static String join(JsonArray items) {
    List<String> texts = new ArrayList<>();
    items.forEach(item -> texts.add(String.valueOf(item)));
    return texts.isEmpty() ? "none" : String.join(", ", texts);
  }
}
