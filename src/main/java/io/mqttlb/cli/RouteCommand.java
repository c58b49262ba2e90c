package io.mqttlb.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mqttlb route CLIENT_ID [--username U] [--certificate-cn CN] [--clean-session]}: where the node would
 * send a client that connects now, and why; {@code --certificate-cn} is the subject CN of the client's TLS
 * certificate, which decides on a node with {@code routing.key: certificate-cn}; {@code --clean-session} asks for
 * a client that keeps no session, which a node with {@code routing.cleanSessions: least-loaded} places by load.
 * The key comes last
 * because it is the one free-form column:
 *
 * <pre>
 *   BROKER  ADDRESS         SOURCE  KEY-SOURCE  KEY
 *   b2      127.0.0.1:1885  ring    client-id   sensor-1
 * </pre>
 */
@Command(name = "route", mixinStandardHelpOptions = true,
    description = "Show the broker a client would be sent to now, and why (ring, least-loaded, override or sticky entry).")
final class RouteCommand implements Callable<Integer> {
  @Mixin
  AdminClientOptions admin;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CLIENT_ID", description = "The client id of the CONNECT.")
  String clientId;

  @Option(names = "--username", paramLabel = "U", description = "The user name of the CONNECT.")
  String username;

  @Option(names = "--certificate-cn", paramLabel = "CN",
      description = "The subject CN of the client's verified TLS certificate (routing.key: certificate-cn).")
  String certificateCn;

  @Option(names = "--clean-session",
      description = "A client that keeps no session (MQTT 3.x clean session; MQTT 5 clean start, no session expiry).")
  boolean cleanSession;

  @Override
  public Integer call() {
    if (isEmpty(clientId) && isEmpty(username) && isEmpty(certificateCn)) {
      throw admin.usageError("give a CLIENT_ID, a --username or a --certificate-cn (or several)");
    }
    ApiPath path = ApiPath.of("/api/v1/route")
        .query("clientId", isEmpty(clientId) ? null : clientId)
        .query("username", isEmpty(username) ? null : username)
        .query("certificateCn", isEmpty(certificateCn) ? null : certificateCn)
        .query("cleanSession", cleanSession ? "true" : null);
    return admin.run(client -> admin.show(client.get(path), answer -> {
      JsonObject route = answer.object();
      return new TextTable("BROKER", "ADDRESS", "SOURCE", "KEY-SOURCE", "KEY")
          .row(route.getValue("broker"), route.getValue("address"), route.getValue("source"),
              route.getValue("keySource"), route.getValue("key"))
          .render();
    }));
  }

  private static boolean isEmpty(String text) {
    return text == null || text.isEmpty();
  }
}
