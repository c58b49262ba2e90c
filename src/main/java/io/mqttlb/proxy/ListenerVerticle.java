package io.mqttlb.proxy;

import io.mqttlb.config.ListenerConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.tls.ListenerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT listener of a node: a Netty server channel on Vert.x's event loops whose accepted
 * clients each get a {@link ClientConnection}. Vert.x is the control plane (this verticle's life
 * follows the node's), the data plane is plain Netty: each client channel's pipeline is
 *
 * <pre>
 *   [HAProxyMessageDecoder → ProxyHeaderReader]   when the listener accepts the PROXY protocol
 *   [SslHandler (or SniHandler) → TlsHandshakeReader]   on a TLS listener, until the handshake ends
 *   [WebSocket upgrade, then frames]              on a WebSocket listener ({@link WebSocketStage})
 *   ConnectReader                                 until the CONNECT is routed, then the relay
 * </pre>
 *
 * Each stage hands the next one plain bytes, so the CONNECT reader and the relay are the same on
 * every listener.
 *
 * <p>With native epoll the listener binds one socket per event loop with {@code SO_REUSEPORT}, so
 * the kernel spreads new connections over the loops and each loop accepts its own (HAProxy's
 * {@code shards by-thread}); otherwise one socket accepts for all loops. Stopping closes the
 * listening sockets, then every connection the listener accepted.
 */
public final class ListenerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ListenerVerticle.class);
  /**
   * Per-channel outbound bounds: past the high mark the other side of the relay stops reading, below
   * the low mark it reads again. What one slow peer can make the node hold for it.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
  /** {@code -Dmqttlb.listener.reusePort=false} keeps one accepting socket even on epoll (for comparisons). */
  static final boolean REUSE_PORT = Boolean.parseBoolean(System.getProperty("mqttlb.listener.reusePort", "true"));

  /** A connect bucket fills within a second: a sweep as often drops idle addresses soon after. */
  private static final long SOURCE_SWEEP_MILLIS = 1000;

  private final ListenerConfig listener;
  private final int port;
  private final ProxyRuntime runtime;
  /** Null on a listener without WebSocket. */
  private final WebSocketStage webSocket;
  /** The listener's TLS contexts; null on a plain listener. */
  private final ListenerTls tls;
  private final List<Channel> serverChannels = new ArrayList<>();
  private final List<ScheduledFuture<?>> refreshers = new ArrayList<>();
  private final Map<EventLoop, RelayedClients> relayedByLoop = new ConcurrentHashMap<>();
  private ChannelGroup connections;
  private BrokerDialer dialer;
  private int actualPort;
  private long tlsWatch = -1;

  /**
   * @param port the port to bind: the configured one (0: any free port)
   * @param tls the listener's loaded TLS contexts when it has TLS, else null
   */
  public ListenerVerticle(ListenerConfig listener, int port, ProxyRuntime runtime, ListenerTls tls) {
    if (listener.hasTls() != (tls != null)) {
      throw new IllegalArgumentException("listener " + listener.name() + ": TLS contexts given for "
          + (listener.hasTls() ? "a TLS listener: none" : "a plain listener"));
    }
    this.listener = listener;
    this.port = port;
    this.runtime = runtime;
    this.webSocket = listener.hasWebSocket() ? new WebSocketStage(listener.websocket()) : null;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    NettyLoops loops = NettyLoops.of(vertx);
    connections = new DefaultChannelGroup(listener.name(), ImmediateEventExecutor.INSTANCE);
    dialer = new BrokerDialer(loops, runtime.limits().backendConnectTimeout());
    long refreshMillis = runtime.sticky().refreshInterval().toMillis();
    for (EventExecutor executor : loops.workers()) {
      RelayedClients relayed = relayedOn((EventLoop) executor);
      refreshers.add(executor.scheduleAtFixedRate(() -> relayed.refreshSticky(runtime.router().mode()),
          refreshMillis, refreshMillis, TimeUnit.MILLISECONDS));
    }
    if (runtime.sources().enabled()) {
      // Entries of addresses whose clients left while their connect bucket was not full yet.
      refreshers.add(loops.workers().next().scheduleAtFixedRate(runtime.sources()::sweep,
          SOURCE_SWEEP_MILLIS, SOURCE_SWEEP_MILLIS, TimeUnit.MILLISECONDS));
    }
    watchTlsFiles();
    ClientInitializer initializer = new ClientInitializer();
    if (REUSE_PORT && loops.nativeTransport()) {
      try {
        portIsFree(listener.host(), port);
      } catch (IOException e) {
        return Future.failedFuture(e);
      }
      List<EventLoop> shards = new ArrayList<>();
      loops.workers().forEach(executor -> shards.add((EventLoop) executor));
      return bindShards(loops, initializer, shards, 0);
    }
    return bind(serverBootstrap(loops, loops.acceptors(), loops.workers(), initializer), port);
  }

  /**
   * Polls a TLS listener's files every {@code tls.watchInterval} and loads them when their content
   * changed (on a worker thread: the reads block).
   */
  private void watchTlsFiles() {
    if (tls == null || !tls.config().watched()) {
      return;
    }
    tlsWatch = vertx.setPeriodic(tls.config().watchInterval().toMillis(), id ->
        vertx.executeBlocking(tls::reloadIfChanged, false).onFailure(e ->
            log.warn("listener {}: checking the TLS files failed", listener.name(), e)));
  }

  /** Binds one SO_REUSEPORT socket per event loop: the first on the configured port, the others on the port it got. */
  private Future<Void> bindShards(NettyLoops loops, ClientInitializer initializer, List<EventLoop> shards, int index) {
    if (index == shards.size()) {
      return Future.succeededFuture();
    }
    EventLoop loop = shards.get(index);
    ServerBootstrap bootstrap = serverBootstrap(loops, loop, loop, initializer)
        .option(EpollChannelOption.SO_REUSEPORT, true);
    return bind(bootstrap, index == 0 ? port : actualPort)
        .compose(v -> bindShards(loops, initializer, shards, index + 1));
  }

  /**
   * SO_REUSEPORT would let this listener share a port that another process (a second node started
   * by mistake) holds with the same option, and split the clients between them silently: a plain
   * bind first makes a taken port an error, as without the option.
   */
  private static void portIsFree(String host, int port) throws IOException {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
    }
  }

  private ServerBootstrap serverBootstrap(NettyLoops loops, EventLoopGroup parent, EventLoopGroup children,
                                          ChannelHandler initializer) {
    return new ServerBootstrap()
        .group(parent, children)
        .channelFactory(loops.serverChannels())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childHandler(initializer);
  }

  private Future<Void> bind(ServerBootstrap bootstrap, int bindPort) {
    Promise<Void> bound = Promise.promise();
    bootstrap.bind(listener.host(), bindPort).addListener(f -> context.runOnContext(v -> {
      if (!f.isSuccess()) {
        bound.fail(f.cause());
        return;
      }
      Channel channel = ((ChannelFuture) f).channel();
      serverChannels.add(channel);
      InetSocketAddress address = (InetSocketAddress) channel.localAddress();
      actualPort = address.getPort();
      runtime.loops().listening(address);
      bound.complete();
    }));
    return bound.future();
  }

  private RelayedClients relayedOn(EventLoop loop) {
    return relayedByLoop.computeIfAbsent(loop, l -> {
      RelayedClients relayed = new RelayedClients(l);
      runtime.relays().register(relayed);
      return relayed;
    });
  }

  /** The port this listener listens on (useful when the configured port is 0). */
  public int actualPort() {
    return actualPort;
  }

  /** Builds each accepted client's pipeline; shared by every channel of the listener. */
  @ChannelHandler.Sharable
  private final class ClientInitializer extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel channel) {
      Metrics metrics = runtime.metrics();
      if (metrics.clientOpened() > runtime.limits().maxConnections()) {
        channel.closeFuture().addListener(f -> metrics.clientClosed());
        metrics.connectRejected(Metrics.REASON_MAX_CONNECTIONS);
        channel.close();
        return;
      }
      connections.add(channel);
      RelayedClients relayed = relayedOn(channel.eventLoop());
      ClientConnection connection = new ClientConnection(channel, runtime, dialer, relayed,
          listener.acceptProxyProtocol());
      ChannelPipeline pipeline = channel.pipeline();
      if (listener.acceptProxyProtocol()) {
        pipeline.addLast("proxy-decoder", new HAProxyMessageDecoder());
        pipeline.addLast("proxy-header", new ProxyHeaderReader(connection));
      }
      if (tls != null) {
        pipeline.addLast("tls", tls.newHandler(channel.alloc()));
        pipeline.addLast("tls-handshake", new TlsHandshakeReader(connection, tls.meters()));
        connection.awaitTls(tls.meters());
      }
      if (webSocket != null) {
        webSocket.addTo(pipeline, connection);
      }
      pipeline.addLast("connect", connection.reader());
      connection.start();
    }
  }

  @Override
  public Future<?> stop() {
    refreshers.forEach(refresher -> refresher.cancel(false));
    if (tlsWatch >= 0) {
      vertx.cancelTimer(tlsWatch);
    }
    relayedByLoop.values().forEach(runtime.relays()::unregister);
    List<Future<Void>> closing = new ArrayList<>();
    for (Channel channel : serverChannels) {
      runtime.loops().stoppedListening((InetSocketAddress) channel.localAddress());
      closing.add(closed(channel.close()));
    }
    return Future.all(closing).compose(v -> closed(connections.close())).onFailure(e ->
        log.debug("listener {}: closing: {}", listener.name(), e.toString()));
  }

  /** A Vert.x future, completed on this verticle's context, for a Netty one. */
  private Future<Void> closed(io.netty.util.concurrent.Future<?> future) {
    Promise<Void> done = Promise.promise();
    future.addListener(f -> context.runOnContext(v -> done.complete()));
    return done.future();
  }
}
