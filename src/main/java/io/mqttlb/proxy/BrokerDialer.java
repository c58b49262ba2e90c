package io.mqttlb.proxy;

import io.mqttlb.config.BrokerConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens broker connections on the event loop of the client they serve, so that both channels of a
 * relay live on one thread. One Netty {@code Bootstrap} per event loop, made at first use; the
 * channel starts with reading off, and the relay adds its handler once it has written the CONNECT.
 * IP literals are used as they are; host names go through Vert.x's asynchronous resolver.
 * Thread-safe.
 */
final class BrokerDialer {
  private static final ChannelInitializer<Channel> NOTHING_YET = new ChannelInitializer<>() {
    @Override
    protected void initChannel(Channel channel) {
      // the relay installs its handler after the connect
    }
  };

  private final NettyLoops loops;
  private final int connectTimeoutMillis;
  private final Map<EventLoop, Bootstrap> bootstraps = new ConcurrentHashMap<>();

  BrokerDialer(NettyLoops loops, Duration connectTimeout) {
    this.loops = loops;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
  }

  /** {@code limits.backendConnectTimeout}: bounds the TCP connect, and a broker's TLS handshake after it. */
  int connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  /** Connects to {@code broker} from {@code loop}; the future fails on refusal, timeout or a name that does not resolve. */
  ChannelFuture connect(EventLoop loop, BrokerConfig broker) {
    Bootstrap bootstrap = bootstraps.get(loop);
    if (bootstrap == null) {
      bootstrap = bootstraps.computeIfAbsent(loop, this::bootstrapOn);
    }
    return bootstrap.connect(address(broker));
  }

  private Bootstrap bootstrapOn(EventLoop loop) {
    return new Bootstrap()
        .group(loop)
        .channelFactory(loops.channels())
        .resolver(loops.resolver())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, ListenerVerticle.WATER_MARK)
        .handler(NOTHING_YET);
  }

  private static InetSocketAddress address(BrokerConfig broker) {
    InetAddress literal = NetUtil.createInetAddressFromIpAddressString(broker.host());
    return literal != null ? new InetSocketAddress(literal, broker.port())
        : InetSocketAddress.createUnresolved(broker.host(), broker.port());
  }
}
