package io.mqttlb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HAProxy helper itself: it listens when started, reports what HAProxy was told, and cleans up. */
@EndToEnd
class HaproxyProcessTest {
  @Test
  void logsTheClientAddressAPROXYHeaderCarries() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int front = Ports.free();
      HaproxyProcess haproxy = HaproxyProcess.start("""
          frontend fe
            bind 127.0.0.1:%d accept-proxy
            log-format "%%ci:%%cp"
            default_backend be
          backend be
            server s 127.0.0.1:%d
          """.formatted(front, backend.getLocalPort()));
      try (haproxy) {
        assertTrue(haproxy.isRunning());
        assertEquals(List.of(), haproxy.lines(), "waiting for the port made no logged connection");
        try (Socket client = new Socket("127.0.0.1", front)) {
          client.getOutputStream().write(v2Header("192.0.2.44", 40001));
          client.getOutputStream().write("hello".getBytes());
          try (Socket relayed = backend.accept()) {
            InputStream in = relayed.getInputStream();
            assertEquals("hello", new String(in.readNBytes(5)));
          }
        }
        assertEquals("192.0.2.44:40001", haproxy.awaitLine(line -> line.startsWith("192.0.2.44")));
      }
      assertFalse(haproxy.isRunning());
      assertFalse(Files.exists(haproxy.configFile()), "its files are deleted");
      try (Socket refused = new Socket()) {
        assertThrows(IOException.class, () -> refused.connect(new InetSocketAddress("127.0.0.1", front), 500));
      }
    }
  }

  @Test
  void aConfigurationHaproxyRefusesFailsWithItsMessage() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> HaproxyProcess.start("frontend fe\n  bind 127.0.0.1:" + Ports.free() + "\n  frobnicate yes\n"));
    assertTrue(e.getMessage().contains("frobnicate"), e.getMessage());
  }

  @Test
  void bindPortsAreReadFromTheSections() {
    assertEquals(Set.of(1883, 8883), HaproxyProcess.bindPorts("""
        frontend a
          bind 127.0.0.1:1883 accept-proxy
        listen b
          bind :8883
          server s 127.0.0.1:1999
        """));
  }

  private static byte[] v2Header(String source, int sourcePort) {
    EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    channel.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
        HAProxyProxiedProtocol.TCP4, source, "127.0.0.1", sourcePort, 1883));
    ByteBuf out = channel.readOutbound();
    byte[] bytes = ByteBufUtil.getBytes(out);
    out.release();
    channel.finishAndReleaseAll();
    return bytes;
  }
}
