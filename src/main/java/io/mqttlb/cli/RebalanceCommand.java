package io.mqttlb.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mqttlb rebalance --rate N}: disconnects, at N per second across the tier, the clients whose
 * broker is no longer the one routing would pick (after brokers were added, re-weighted or enabled).
 */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
    description = "Disconnect, at N per second across the tier, the clients whose broker is no longer the one"
        + " routing would pick, so that they reconnect to it. Follow the job with status.")
final class RebalanceCommand implements Callable<Integer> {
  /** The API's bound on a job's rate. */
  static final double MAX_RATE = 1_000_000;

  @Mixin
  AdminClientOptions admin;

  @Option(names = "--rate", required = true, paramLabel = "N",
      description = "Disconnects per second across the tier, more than 0 and at most 1000000.")
  double rate;

  @Override
  public Integer call() {
    JsonObject body = rateBody(admin, rate);
    return admin.run(client -> admin.show(client.post(ApiPath.of("/api/v1/rebalance"), body), answer -> {
      JsonObject job = answer.object();
      return "rebalancing at " + job.getValue("rate") + "/s: " + job.getValue("clients") + " client(s) to move (job "
          + job.getValue("id") + ")";
    }));
  }

  /** {@code {"rate": N}}, a whole N without ".0"; a rate out of bounds is a usage error. */
  static JsonObject rateBody(AdminClientOptions admin, double rate) {
    if (!(rate > 0 && rate <= MAX_RATE)) {
      throw admin.usageError("--rate must be more than 0 and at most 1000000, got " + rate);
    }
    return new JsonObject().put("rate", rate == Math.rint(rate) ? (Object) (long) rate : (Object) rate);
  }
}
