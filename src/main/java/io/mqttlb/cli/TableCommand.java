package io.mqttlb.cli;

import io.mqttlb.config.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mqttlb table}: lists the routing table (overrides and sticky entries, read in table mode),
 * sorted by key; its subcommands set and delete entries.
 *
 * <pre>
 *   KEY       BROKER  KIND      EXPIRES
 *   sensor-1  b3      override  never
 *   truck-17  b1      sticky    2026-11-26T02:33:04.123Z
 *   2 of 2 entries (1 override, 1 sticky)
 * </pre>
 */
@Command(name = "table", mixinStandardHelpOptions = true,
    description = "List the routing table (overrides and sticky entries), or change it (see the subcommands).",
    subcommands = {TableCommand.Set.class, TableCommand.Delete.class})
final class TableCommand implements Callable<Integer> {
  /** The node's page size when the call gives no limit; it decides whether a full page may hide more. */
  static final int DEFAULT_LIMIT = 100;

  @Mixin
  AdminClientOptions admin;

  @Option(names = "--prefix", paramLabel = "P", description = "Only keys that start with P.")
  String prefix;

  @Option(names = "--limit", paramLabel = "N", description = "At most N entries, 1 to 10000 (default " + DEFAULT_LIMIT + ").")
  Integer limit;

  @Override
  public Integer call() {
    ApiPath path = ApiPath.of("/api/v1/table")
        .query("prefix", prefix == null || prefix.isEmpty() ? null : prefix)
        .query("limit", limit);
    return admin.run(client -> admin.show(client.get(path), answer -> render(answer.object())));
  }

  private String render(JsonObject page) {
    TextTable table = new TextTable("KEY", "BROKER", "KIND", "EXPIRES");
    JsonArray entries = page.getValue("entries") instanceof JsonArray list ? list : new JsonArray();
    for (Object item : entries) {
      JsonObject entry = item instanceof JsonObject object ? object : new JsonObject();
      Object expires = entry.getValue("expiresAt");
      table.row(entry.getValue("key"), entry.getValue("broker"), entry.getValue("kind"), expires == null ? "never" : expires);
    }
    String summary = table.rowCount() + " of " + counts(page);
    // The node counts the whole table, not the keys under the prefix: a full page may hide more.
    if (table.rowCount() == (limit == null ? DEFAULT_LIMIT : limit) && table.rowCount() < number(page.getValue("size"))) {
      summary += "; --limit shows more";
    }
    return table.render() + summary + "\n";
  }

  /** "3400 entries (3 overrides, 3397 sticky)" from the API's size, overrides and sticky counts. */
  static String counts(JsonObject table) {
    long size = number(table.getValue("size"));
    long overrides = number(table.getValue("overrides"));
    return size + (size == 1 ? " entry" : " entries")
        + " (" + overrides + (overrides == 1 ? " override" : " overrides") + ", " + number(table.getValue("sticky")) + " sticky)";
  }

  /**
   * The path of one key's entry. The keys "." and ".." are valid client ids, but no URL path can
   * carry them: HTTP servers, the node's included, resolve them as dot segments (RFC 3986 §5.2.4),
   * and "%2E" is no escape since it is decoded first.
   */
  static ApiPath entryPath(String key) throws AdminCallFailed {
    if (key.equals(".") || key.equals("..")) {
      throw new AdminCallFailed("the admin API cannot address the key '" + key + "': URL paths drop '.' and '..' segments");
    }
    return ApiPath.of("/api/v1/table").segment(key);
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  /** {@code mqttlb table set KEY BROKER [--ttl 10m]}: an override, which wins over sticky entries and the ring. */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Send KEY to BROKER on every node (an override; read in table mode), for --ttl or until deleted.")
  static final class Set implements Callable<Integer> {
    @Mixin
    AdminClientOptions admin;

    @Parameters(index = "0", paramLabel = "KEY", description = "Routing key: a client id, or a user name when routing by user name.")
    String key;

    @Parameters(index = "1", paramLabel = "BROKER", description = "Broker id.")
    String broker;

    @Option(names = "--ttl", paramLabel = "D", description = "Expire after D, e.g. 30s, 10m, 2h (default: never).")
    String ttl;

    @Override
    public Integer call() {
      admin.requireNonEmpty("KEY", key);
      JsonObject body = new JsonObject().put("broker", broker);
      if (ttl != null) {
        try {
          Durations.parse(ttl);
        } catch (IllegalArgumentException e) {
          throw admin.usageError("--ttl: " + e.getMessage());
        }
        body.put("ttl", ttl.strip());
      }
      return admin.run(client -> admin.show(client.put(entryPath(key), body), answer -> {
        JsonObject entry = answer.object();
        Object expires = entry.getValue("expiresAt");
        return "override " + TextTable.printable(String.valueOf(entry.getValue("key"))) + " -> " + entry.getValue("broker")
            + (expires == null ? ", no expiry" : ", expires " + expires);
      }));
    }
  }

  /** {@code mqttlb table delete KEY}: removes the key's entry, override or sticky. */
  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Remove KEY's entry (override or sticky) on every node; the client routes by the ring again.")
  static final class Delete implements Callable<Integer> {
    @Mixin
    AdminClientOptions admin;

    @Parameters(index = "0", paramLabel = "KEY", description = "Routing key.")
    String key;

    @Override
    public Integer call() {
      admin.requireNonEmpty("KEY", key);
      return admin.run(client -> admin.show(client.delete(entryPath(key)),
          answer -> "removed " + TextTable.printable(String.valueOf(answer.object().getValue("removed"))) + " from the table"));
    }
  }
}
