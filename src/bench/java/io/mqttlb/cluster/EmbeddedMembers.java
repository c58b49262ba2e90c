package io.mqttlb.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Embedded Hazelcast members in this JVM that form one cluster over TCP on 127.0.0.1, each on a port
 * free when it starts: no multicast, no auto-detection, no phone-home, no logging. Members of one
 * JVM still talk through real sockets, so a partitioned map's remote get is a network round trip
 * and a replicated map's write reaches the other copy as a packet.
 */
final class EmbeddedMembers implements AutoCloseable {
  private final List<HazelcastInstance> members;

  private EmbeddedMembers(List<HazelcastInstance> members) {
    this.members = members;
  }

  /**
   * Starts {@code count} members and waits until each sees all of them. {@code customize} adds the
   * structures' configuration and properties; it is applied to every member alike.
   */
  static EmbeddedMembers start(int count, Consumer<Config> customize) {
    List<String> addresses = new ArrayList<>();
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = freePort();
      addresses.add("127.0.0.1:" + ports[i]);
    }
    String clusterName = "mqttlb-bench-" + ports[0];
    List<HazelcastInstance> members = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Config config = new Config().setClusterName(clusterName).setInstanceName(clusterName + "-" + i);
      config.setProperty("hazelcast.logging.type", "none");
      config.setProperty("hazelcast.phone.home.enabled", "false");
      config.setProperty("hazelcast.shutdownhook.enabled", "false");
      config.setProperty("hazelcast.socket.bind.any", "false");
      config.setProperty("hazelcast.wait.seconds.before.join", "0");
      config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
      NetworkConfig network = config.getNetworkConfig().setPort(ports[i]).setPortAutoIncrement(false);
      network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
      JoinConfig join = network.getJoin();
      join.getAutoDetectionConfig().setEnabled(false);
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(addresses);
      customize.accept(config);
      members.add(Hazelcast.newHazelcastInstance(config));
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    for (HazelcastInstance member : members) {
      while (member.getCluster().getMembers().size() < count) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the members did not form one cluster within 60 s");
        }
        sleep(10);
      }
    }
    return new EmbeddedMembers(members);
  }

  HazelcastInstance member(int index) {
    return members.get(index);
  }

  @Override
  public void close() {
    for (HazelcastInstance member : members) {
      member.shutdown();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
