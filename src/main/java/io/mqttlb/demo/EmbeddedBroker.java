package io.mqttlb.demo;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A real MQTT broker (Moquette) inside this JVM, for the demo: in memory only, telemetry off,
 * bound to loopback. It holds a retained message on {@link #MARKER_TOPIC} naming itself, so that a
 * client can tell which broker the balancer sent it to.
 */
public final class EmbeddedBroker implements AutoCloseable {
  /** Retained topic whose payload is the broker's id. */
  public static final String MARKER_TOPIC = "mqttlb/broker";

  private final String id;
  private final String host;
  private final int port;
  private final Server server;

  private EmbeddedBroker(String id, String host, int port, Server server) {
    this.id = id;
    this.host = host;
    this.port = port;
    this.server = server;
  }

  /** Starts a broker on a free loopback port. */
  public static EmbeddedBroker start(String id) throws IOException {
    String host = "127.0.0.1";
    int port = freePort(host);
    Properties properties = new Properties();
    properties.setProperty("host", host);
    properties.setProperty("port", Integer.toString(port));
    properties.setProperty("allow_anonymous", "true");
    properties.setProperty("persistence_enabled", "false"); // its disk mode fails on restart
    properties.setProperty("telemetry_enabled", "false");  // on by default, it phones home
    properties.setProperty("immediate_buffer_flush", "true");
    Server server = new Server();
    server.startServer(new MemoryConfig(properties));
    server.internalPublish(MqttMessageBuilders.publish()
        .topicName(MARKER_TOPIC)
        .retained(true)
        .qos(MqttQoS.AT_LEAST_ONCE)
        .payload(Unpooled.copiedBuffer(id, StandardCharsets.UTF_8))
        .build(), "mqttlb-demo");
    return new EmbeddedBroker(id, host, port, server);
  }

  // Moquette's own port report can read 0, so the port is chosen here.
  private static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  public String id() {
    return id;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    server.stopServer();
  }
}
