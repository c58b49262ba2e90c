package io.mqttlb.health;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.HealthConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.routing.RoutingSnapshot;
import io.mqttlb.tls.BrokerTlsContexts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's health checks: every {@code health.interval} it probes each broker of the current
 * routing snapshot (following adds and removes), keeps a {@link RiseFall} per broker and hands each
 * change of its own view to {@link TierHealth}, which turns the views of all nodes into the tier's
 * verdict. Brokers start up. Probes are asynchronous and at most one per broker is in flight (a
 * probe ends within {@code health.timeout}, which is at most the interval).
 *
 * <p>All state is confined to this verticle's context; {@link #probeNow} hops onto it.
 */
public final class HealthChecker extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);
  /** {@link #probeNow} is ignored for a broker probed less than this long ago: a burst of failed dials asks once. */
  static final long PROBE_NOW_GAP_NANOS = 100_000_000L;

  private final String nodeId;
  private final HealthConfig config;
  private final Supplier<RoutingSnapshot> snapshots;
  private final TierHealth tier;
  private final Metrics metrics;
  /** null: the checker makes its own at start (no relayed connections share them). */
  private final BrokerTlsContexts tls;
  private final Map<String, Tracked> tracked = new HashMap<>();
  private volatile Context home;
  private NetClient client;
  private Probe probe;
  private long timer = -1;

  /** One broker's checks. */
  private static final class Tracked {
    BrokerConfig broker;
    final RiseFall view;
    boolean inFlight;
    long lastStartNanos;

    Tracked(BrokerConfig broker, HealthConfig config) {
      this.broker = broker;
      this.view = new RiseFall(config.rise(), config.fall());
    }
  }

  public HealthChecker(String nodeId, HealthConfig config, Supplier<RoutingSnapshot> snapshots, TierHealth tier,
                       Metrics metrics) {
    this(nodeId, config, snapshots, tier, metrics, null);
  }

  /** @param tls the node's TLS contexts of brokers, shared with its relayed connections */
  public HealthChecker(String nodeId, HealthConfig config, Supplier<RoutingSnapshot> snapshots, TierHealth tier,
                       Metrics metrics, BrokerTlsContexts tls) {
    this.nodeId = nodeId;
    this.config = config;
    this.snapshots = snapshots;
    this.tier = tier;
    this.metrics = metrics;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis())));
    String clientId = "mqttlb-probe-" + nodeId;
    probe = tls == null ? Probe.of(config.probe(), vertx, client, clientId, config.timeout())
        : Probe.of(config.probe(), vertx, client, clientId, config.timeout(), tls, metrics);
    home = context;
    checkAll(); // the first round at once: a broker dead at startup is found within fall - 1 intervals
    timer = vertx.setPeriodic(config.interval().toMillis(), id -> checkAll());
    log.info("node {} checks broker health: {} probe every {} ms, timeout {} ms, rise {}, fall {}", nodeId,
        config.probe().label(), config.interval().toMillis(), config.timeout().toMillis(), config.rise(), config.fall());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    home = null;
    vertx.cancelTimer(timer);
    return client.close();
  }

  /**
   * Probes a broker now, unless a probe of it is in flight or started very recently. Callable from
   * any thread; ignored for brokers this checker does not know (yet). The node hands this method to
   * the data plane, which calls it after a relay connect to the broker failed.
   */
  public void probeNow(String brokerId) {
    Context context = home;
    if (context == null) {
      return;
    }
    context.runOnContext(v -> {
      Tracked broker = tracked.get(brokerId);
      if (broker != null && home != null && System.nanoTime() - broker.lastStartNanos >= PROBE_NOW_GAP_NANOS) {
        check(broker);
      }
    });
  }

  /** This node's own view of a broker (not the tier's): true while it is up or unknown. Call on the checker's context. */
  boolean seesUp(String brokerId) {
    Tracked broker = tracked.get(brokerId);
    return broker == null || broker.view.up();
  }

  private void checkAll() {
    follow(snapshots.get());
    for (Tracked broker : tracked.values()) {
      check(broker);
    }
  }

  /** Starts tracking new brokers (up, published as such once) and drops removed ones. */
  private void follow(RoutingSnapshot snapshot) {
    Map<String, BrokerConfig> current = new HashMap<>();
    for (BrokerConfig broker : snapshot.brokers()) {
      current.put(broker.id(), broker);
    }
    for (Iterator<Map.Entry<String, Tracked>> it = tracked.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Tracked> entry = it.next();
      BrokerConfig now = current.get(entry.getKey());
      if (now == null) {
        it.remove();
        tier.forget(entry.getKey());
        metrics.unbindBrokerUp(entry.getKey());
      } else {
        entry.getValue().broker = now; // its address, weight, PROXY protocol version or TLS may have changed
      }
    }
    current.forEach((id, broker) -> {
      if (!tracked.containsKey(id)) {
        tracked.put(id, new Tracked(broker, config));
        tier.observe(id, true); // replaces what an earlier run of this node may have left in the map
        metrics.bindBrokerUp(id, () -> tier.isAvailable(id), () -> tier.seesUp(id));
      }
    });
  }

  private void check(Tracked broker) {
    if (broker.inFlight) {
      return;
    }
    broker.inFlight = true;
    broker.lastStartNanos = System.nanoTime();
    BrokerConfig target = broker.broker;
    probe.check(target).onComplete(ar -> {
      broker.inFlight = false;
      if (home == null || tracked.get(target.id()) != broker) {
        return; // stopping (closing the client failed the probe), or the broker was removed while it ran
      }
      boolean ok = ar.succeeded();
      metrics.healthCheck(target.id(), ok);
      if (broker.view.record(ok)) {
        boolean up = broker.view.up();
        if (up) {
          log.info("node {} sees broker {} up: {} check(s) in a row passed", nodeId, target.id(), config.rise());
        } else {
          log.info("node {} sees broker {} down: {} check(s) in a row failed, last: {}", nodeId, target.id(),
              config.fall(), ar.cause().getMessage());
        }
        tier.observe(target.id(), up);
      } else if (!ok) {
        log.debug("broker {} check failed: {}", target.id(), ar.cause().getMessage());
      }
    });
  }
}
