package io.mqttlb.cli;

import io.mqttlb.config.RoutingMode;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mqttlb mode} shows the tier's routing mode; {@code mqttlb mode hash|table} sets it on every node. */
@Command(name = "mode", mixinStandardHelpOptions = true,
    description = "Show the routing mode, or set it on every node: hash (the ring decides) or table"
        + " (override, then sticky entry, then the ring).")
final class ModeCommand implements Callable<Integer> {
  @Mixin
  AdminClientOptions admin;

  @Parameters(index = "0", arity = "0..1", paramLabel = "hash|table", description = "The mode to set.")
  String mode;

  @Override
  public Integer call() {
    ApiPath path = ApiPath.of("/api/v1/mode");
    if (mode == null) {
      return admin.run(client -> admin.show(client.get(path), answer -> "routing mode: " + answer.object().getValue("mode")));
    }
    RoutingMode wanted;
    try {
      wanted = RoutingMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw admin.usageError(e.getMessage());
    }
    JsonObject body = new JsonObject().put("mode", wanted.label());
    return admin.run(client -> admin.show(client.put(path, body),
        answer -> "routing mode set to " + answer.object().getValue("mode")));
  }
}
