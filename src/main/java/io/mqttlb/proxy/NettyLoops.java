package io.mqttlb.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.resolver.AddressResolverGroup;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;

/**
 * The Netty plumbing the data plane borrows from Vert.x: its acceptor and event-loop groups, its
 * transport's channel factories (so that a node on native epoll relays on epoll channels) and its
 * asynchronous name resolver (a broker named by host name never blocks an event loop). The data
 * plane runs plain Netty pipelines on these loops, so a relayed client costs two Netty channels and
 * none of the per-socket queues and copies of a Vert.x {@code NetSocket}.
 */
public record NettyLoops(EventLoopGroup acceptors, EventLoopGroup workers,
                         ChannelFactory<? extends ServerChannel> serverChannels,
                         ChannelFactory<? extends Channel> channels,
                         AddressResolverGroup<InetSocketAddress> resolver,
                         boolean nativeTransport) {

  public static NettyLoops of(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    return new NettyLoops(internal.acceptorEventLoopGroup(), internal.nettyEventLoopGroup(),
        internal.transport().serverChannelFactory(false), internal.transport().channelFactory(false),
        internal.nameResolver().nettyAddressResolverGroup(), vertx.isNativeTransportEnabled());
  }
}
