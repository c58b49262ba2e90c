package io.mqttlb.proxy;

import io.mqttlb.config.ListenerConfig;
import io.mqttlb.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * Accepts MQTT clients on one listener and hands each to a {@link ClientConnection}. A node deploys
 * one instance per event loop on the same host and port; Vert.x spreads accepted connections over
 * them, and each client's broker connection is opened from the same event loop, so both sockets of
 * a relay live on one thread.
 */
public final class ListenerVerticle extends VerticleBase {
  /** Per-socket write queue bound: what one slow peer can make the node hold for it. */
  static final int WRITE_QUEUE_MAX_BYTES = 64 * 1024;

  private final ListenerConfig listener;
  private final int port;
  private final ProxyRuntime runtime;
  private NetServer server;
  private NetClient brokerClient;
  private RelayedClients relayed;

  /** @param port the port to bind: the configured one, or the one the first instance bound */
  public ListenerVerticle(ListenerConfig listener, int port, ProxyRuntime runtime) {
    this.listener = listener;
    this.port = port;
    this.runtime = runtime;
  }

  @Override
  public Future<?> start() {
    relayed = new RelayedClients(context);
    runtime.relays().register(relayed);
    brokerClient = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) runtime.limits().backendConnectTimeout().toMillis())
        .setTcpNoDelay(true));
    server = vertx.createNetServer(new NetServerOptions()
            .setHost(listener.host())
            .setPort(port)
            .setTcpNoDelay(true))
        .connectHandler(this::accept);
    long refreshMillis = runtime.state().stickyRefreshInterval().toMillis();
    vertx.setPeriodic(refreshMillis, id -> relayed.refreshSticky(runtime.router().mode()));
    return server.listen();
  }

  /** The port this instance listens on (useful when the configured port is 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void accept(NetSocket socket) {
    Metrics metrics = runtime.metrics();
    socket.setWriteQueueMaxSize(WRITE_QUEUE_MAX_BYTES);
    if (metrics.clientOpened() > runtime.limits().maxConnections()) {
      socket.closeHandler(v -> metrics.clientClosed());
      metrics.connectRejected(Metrics.REASON_MAX_CONNECTIONS);
      socket.close();
      return;
    }
    new ClientConnection(vertx, socket, brokerClient, runtime, relayed).start();
  }

  @Override
  public Future<?> stop() {
    runtime.relays().unregister(relayed);
    return server.close().compose(v -> brokerClient.close());
  }

}
