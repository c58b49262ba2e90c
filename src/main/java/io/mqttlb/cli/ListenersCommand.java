package io.mqttlb.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code mqttlb listeners}: the MQTT listeners of one node and the certificates its TLS listeners
 * present; {@code mqttlb listeners reload NAME} reads a TLS listener's certificate files again. Per
 * node: the files are each node's own.
 */
@Command(name = "listeners", mixinStandardHelpOptions = true,
    description = "List the node's MQTT listeners and the certificates its TLS listeners present, or reload one"
        + " (see the subcommand).",
    subcommands = ListenersCommand.Reload.class)
final class ListenersCommand implements Callable<Integer> {
  @Mixin
  AdminClientOptions admin;

  @Override
  public Integer call() {
    return admin.run(client -> admin.show(client.get(ApiPath.of("/api/v1/listeners")), answer -> table(answer.array())));
  }

  /** One row per plain listener, one per certificate of a TLS listener (the default one, then the SNI ones). */
  static String table(JsonArray listeners) {
    TextTable table = new TextTable("NAME", "ADDRESS", "TLS", "CERTIFICATE", "SUBJECT", "EXPIRES");
    for (Object item : listeners) {
      JsonObject listener = item instanceof JsonObject object ? object : new JsonObject();
      String address = listener.getValue("host") + ":" + listener.getValue("port");
      JsonObject tls = listener.getValue("tls") instanceof JsonObject object ? object : null;
      if (tls == null) {
        table.row(listener.getValue("name"), address, "no", null, null, null);
        continue;
      }
      String engine = tls.getValue("provider") + ("none".equals(tls.getValue("clientAuth")) ? ""
          : ", client certificates " + tls.getValue("clientAuth"));
      for (Object certificate : tls.getJsonArray("certificates", new JsonArray())) {
        JsonObject served = certificate instanceof JsonObject object ? object : new JsonObject();
        table.row(listener.getValue("name"), address, engine, served.getValue("servedFor"), served.getValue("subject"),
            served.getValue("notAfter"));
      }
    }
    return table.render();
  }

  /** {@code mqttlb listeners reload NAME}. */
  @Command(name = "reload", mixinStandardHelpOptions = true,
      description = "Read a TLS listener's certificate and key files again, on this node: new handshakes get the new"
          + " certificates, open connections keep theirs. When a file cannot be used the node keeps the previous"
          + " certificates and the command says why (exit 1).")
  static final class Reload implements Callable<Integer> {
    @Mixin
    AdminClientOptions admin;

    @Parameters(index = "0", paramLabel = "NAME", description = "Listener name.")
    String name;

    @Override
    public Integer call() {
      admin.requireNonEmpty("NAME", name);
      return admin.run(client -> admin.show(
          client.post(ApiPath.of("/api/v1/listeners").segment(name).segment("reload"), new JsonObject()), answer -> {
            JsonObject result = answer.object();
            StringBuilder text = new StringBuilder("reloaded listener ")
                .append(TextTable.printable(String.valueOf(result.getValue("listener"))))
                .append(Boolean.TRUE.equals(result.getValue("changed")) ? "" : " (the files had not changed)").append('\n');
            TextTable certificates = new TextTable("CERTIFICATE", "SUBJECT", "SERIAL", "EXPIRES");
            for (Object item : result.getJsonArray("certificates", new JsonArray())) {
              JsonObject served = item instanceof JsonObject object ? object : new JsonObject();
              certificates.row(served.getValue("servedFor"), served.getValue("subject"), served.getValue("serial"),
                  served.getValue("notAfter"));
            }
            return text.append(certificates.render()).toString();
          }));
    }
  }
}
