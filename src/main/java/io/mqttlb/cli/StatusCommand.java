package io.mqttlb.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mqttlb status}: what one node knows about the tier, e.g.
 *
 * <pre>
 *   node            lb-1
 *   mode            table
 *   clean sessions  ring
 *   epoch           7
 *   members         lb-1, lb-2, lb-3
 *   state from      tier
 *   clients         12
 *   table           3 entries (1 override, 2 sticky)
 *   moves           drain b2 at 50/s: 40 done, 60 remaining, running (move-lb-1-mig2x0)
 *
 *   ID  ADDRESS         WEIGHT  HEALTHY  CONNECTIONS  DRAINED
 *   b1  127.0.0.1:1884       1  yes                4  no
 *   b2  127.0.0.1:1885       1  yes               60  yes
 * </pre>
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a node's view of the tier: mode, members, clients, brokers.")
final class StatusCommand implements Callable<Integer> {
  @Mixin
  AdminClientOptions admin;

  @Override
  public Integer call() {
    return admin.run(client -> admin.show(client.get(ApiPath.of("/api/v1/status")), answer -> render(answer.object())));
  }

  private static String render(JsonObject status) {
    TextTable node = TextTable.withoutHeader(2)
        .row("node", status.getValue("node"))
        .row("mode", status.getValue("mode"))
        .row("clean sessions", status.getValue("cleanSessions"))
        .row("epoch", status.getValue("epoch"))
        .row("members", members(status.getValue("members")))
        .row("state from", status.getValue("seededFrom"))
        .row("clients", status.getValue("clients"));
    if (status.getValue("table") instanceof JsonObject table) {
      node.row("table", TableCommand.counts(table));
    }
    if (status.getValue("moves") instanceof JsonObject moves) {
      node.row("moves", moves(moves));
    }
    JsonArray brokers = status.getValue("brokers") instanceof JsonArray list ? list : new JsonArray();
    return node.render() + "\n" + BrokersCommand.table(brokers);
  }

  /** The newest move job in one line, e.g. "drain b2 at 50/s: 40 done, 60 remaining, running (move-lb-1-x)". */
  static String moves(JsonObject moves) {
    Object broker = moves.getValue("broker");
    return moves.getValue("kind") + (broker == null ? "" : " " + broker) + " at " + moves.getValue("rate") + "/s: "
        + moves.getValue("done") + " done, " + moves.getValue("remaining") + " remaining, " + moves.getValue("state")
        + " (" + moves.getValue("id") + ")";
  }

  private static String members(Object members) {
    if (!(members instanceof JsonArray list)) {
      return null;
    }
    return list.isEmpty() ? "none" : String.join(", ", list.stream().map(String::valueOf).toList());
  }
}
