package io.mqttlb.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mqttlb.config.KeyField;
import io.mqttlb.config.LimitsConfig;
import io.mqttlb.config.WebSocketConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.mqtt.RejectReason;
import io.mqttlb.routing.BrokerAvailability;
import io.mqttlb.routing.Router;
import io.mqttlb.routing.RoutingSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of a client's pipeline as a listener builds it, on Netty's embedded
 * channel: the PROXY header stage (Netty's decoder and our reader), the WebSocket stage (upgrade
 * request, handshake checks, frames) and the CONNECT reader, each on or off as the fuzzer chooses,
 * the bytes arriving in fuzzer-chosen pieces. The node has no broker, so a well-formed CONNECT
 * ends in a "no broker" rejection and no broker connection can be dialled.
 *
 * <p>The contract: nothing escapes the pipeline (the embedded channel rethrows what reaches its
 * tail), and a client the node closes is always counted under a rejection reason: an exception
 * swallowed into a plain close would be a crash without its metric.
 *
 * <p>Input layout: the last bytes choose the stages and up to four cuts; the rest is what the
 * client sends.
 */
class ClientPipelineFuzzTest {
  private static final List<String> REASONS = reasons();

  @FuzzTest(maxDuration = "3s")
  void clientBytes(FuzzedDataProvider data) {
    boolean proxyProtocol = data.consumeBoolean();
    boolean webSocket = data.consumeBoolean();
    int cuts = data.consumeInt(0, 4);
    int[] cutChoices = new int[cuts];
    for (int i = 0; i < cuts; i++) {
      cutChoices[i] = data.consumeInt(0, 0xFFFF);
    }
    byte[] sent = data.consumeRemainingAsBytes();

    EmbeddedChannel channel = new EmbeddedChannel() {
      @Override
      protected SocketAddress remoteAddress0() {
        return new InetSocketAddress("127.0.0.1", 50000);
      }

      @Override
      protected SocketAddress localAddress0() {
        return new InetSocketAddress("127.0.0.1", 1883);
      }
    };
    Metrics metrics = new Metrics();
    Router noBrokers = new Router(() -> RoutingSnapshot.of(1, List.of(), 16), KeyField.CLIENT_ID, BrokerAvailability.ALL);
    ProxyRuntime runtime = ProxyRuntime.of(noBrokers, LimitsConfig.defaults(), metrics, null);
    ClientConnection connection = new ClientConnection(channel, runtime, null, new RelayedClients(channel.eventLoop()),
        proxyProtocol);
    if (proxyProtocol) {
      channel.pipeline().addLast("proxy-decoder", new HAProxyMessageDecoder());
      channel.pipeline().addLast("proxy-header", new ProxyHeaderReader(connection));
    }
    if (webSocket) {
      new WebSocketStage(WebSocketConfig.defaults()).addTo(channel.pipeline(), connection);
    }
    channel.pipeline().addLast("connect", connection.reader());
    connection.start();
    try {
      int from = 0;
      for (int piece : pieces(cutChoices, sent.length)) {
        if (!channel.isOpen()) {
          break;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(sent, from, piece - from));
        channel.runPendingTasks();
        from = piece;
      }
      if (!channel.isOpen() && !answeredAClose(channel)) {
        double rejected = REASONS.stream().mapToDouble(metrics::rejectedCount).sum();
        assertTrue(rejected >= 1, "the node closed the client without counting a rejection");
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /**
   * Whether the node wrote a WebSocket Close frame (its first byte 0x88: FIN and opcode 8; the
   * node's frames are unmasked, so no other frame header starts so). A client's own Close frame is
   * its goodbye, answered in kind and not a rejection; the node's refusals write one too, and
   * count themselves.
   */
  private static boolean answeredAClose(EmbeddedChannel channel) {
    for (Object written : channel.outboundMessages()) {
      if (written instanceof ByteBuf bytes && bytes.isReadable() && bytes.getByte(bytes.readerIndex()) == (byte) 0x88) {
        return true;
      }
    }
    return false;
  }

  /** The end of each piece: the cut positions in order, then the end of the input. */
  private static List<Integer> pieces(int[] cutChoices, int length) {
    List<Integer> ends = new ArrayList<>();
    for (int choice : cutChoices) {
      ends.add(choice % (length + 1));
    }
    ends.add(length);
    ends.sort(null);
    return ends;
  }

  /** Every rejection label: the pipeline's own and the CONNECT parser's. */
  private static List<String> reasons() {
    List<String> reasons = new ArrayList<>();
    for (Field field : Metrics.class.getFields()) {
      if (field.getName().startsWith("REASON_") && Modifier.isStatic(field.getModifiers())
          && field.getType() == String.class) {
        try {
          reasons.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    for (RejectReason reason : RejectReason.values()) {
      reasons.add(reason.metricLabel());
    }
    return List.copyOf(reasons);
  }
}
