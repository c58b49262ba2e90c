package io.mqttlb.mqtt;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttProperties;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing one complete CONNECT with {@link ConnectParser}, against the baseline of Netty's {@link MqttDecoder}
 * decoding the same bytes into an {@link MqttConnectMessage}.
 *
 * <p>Two packets: a typical MQTT 3.1.1 CONNECT (20-character client id, user name, password, keep alive, clean
 * session) and the same as MQTT 5 with a Session Expiry Interval and two User Properties. {@code @Setup} checks that
 * both decoders read the same fields, so the comparison is of the same work.
 *
 * <p>The baseline is Netty's {@code decode} called directly (through a method handle: the class is final and the
 * method protected), on a heap buffer wrapping the same array, reset and reused, so it pays for decoding and nothing
 * else. {@code nettyEmbeddedChannel} also goes through a channel pipeline ({@code writeInbound}/{@code readInbound}),
 * as a decoder in a server would; the difference is Netty's plumbing, not decoding. What each side produces differs
 * a little: Netty keeps the password bytes and the protocol name, {@link ConnectInfo} keeps neither.
 *
 * <pre>
 * mvn -B -Pbench package -DskipTests
 * java -jar target/benchmarks.jar ConnectParserBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConnectParserBenchmark {

  private static final String CLIENT_ID = "sensor-0042-kitchen1";
  private static final String USERNAME = "device-user";
  private static final String PASSWORD = "s3cret-passw0rd";
  private static final int KEEP_ALIVE = 60;
  private static final long SESSION_EXPIRY = 3600;

  private static final MethodHandle NETTY_DECODE = nettyDecodeHandle();

  @Param({"3.1.1", "5"})
  String version;

  private final ConnectParser parser = new ConnectParser(ConnectParser.DEFAULT_MAX_CONNECT_BYTES);
  private byte[] packet;

  private ByteBuf nettyBuffer;
  private MqttDecoder directDecoder;
  private ChannelHandlerContext directContext;
  private EmbeddedChannel directChannel;
  private final List<Object> nettyOut = new ArrayList<>(1);
  private EmbeddedChannel pipelineChannel;

  @Setup(Level.Trial)
  public void setUp() throws Throwable {
    packet = version.equals("5") ? mqtt5Connect() : mqtt311Connect();
    nettyBuffer = Unpooled.wrappedBuffer(packet);

    directDecoder = new MqttDecoder();
    directChannel = new EmbeddedChannel(directDecoder); // gives the decoder a context for its version attribute
    directContext = directChannel.pipeline().context(directDecoder);
    pipelineChannel = new EmbeddedChannel(new MqttDecoder());

    checkOurs(ours());
    checkNetty(nettyDirect());
    checkNetty(nettyEmbeddedChannel());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    directChannel.finishAndReleaseAll();
    pipelineChannel.finishAndReleaseAll();
    nettyBuffer.release();
  }

  @Benchmark
  public ConnectResult ours() {
    return parser.parse(packet, 0, packet.length);
  }

  /** Baseline: MqttDecoder.decode on the same bytes, nothing around it. */
  @Benchmark
  public Object nettyDirect() throws Throwable {
    nettyBuffer.setIndex(0, packet.length);
    NETTY_DECODE.invokeExact(directDecoder, directContext, nettyBuffer, nettyOut);
    Object message = nettyOut.get(0);
    nettyOut.clear();
    return message;
  }

  /** MqttDecoder inside a channel pipeline, as a server runs it; the decoder releases the buffer it consumed. */
  @Benchmark
  public Object nettyEmbeddedChannel() {
    nettyBuffer.retain().setIndex(0, packet.length);
    pipelineChannel.writeInbound(nettyBuffer);
    return pipelineChannel.readInbound();
  }

  private static MethodHandle nettyDecodeHandle() {
    try {
      Method decode = MqttDecoder.class.getDeclaredMethod(
          "decode", ChannelHandlerContext.class, ByteBuf.class, List.class);
      decode.setAccessible(true);
      return MethodHandles.lookup().unreflect(decode);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // ---- the packets ----

  /** 3.1.1 §3.1: "MQTT" level 4, flags user name + password + clean session, then the payload. */
  private static byte[] mqtt311Connect() {
    Bytes body = new Bytes().string("MQTT").u8(4).u8(0xC2).u16(KEEP_ALIVE);
    body.string(CLIENT_ID).string(USERNAME).string(PASSWORD);
    return body.asPacket();
  }

  /** MQTT 5 §3.1: as above, with a property block before the client id. */
  private static byte[] mqtt5Connect() {
    Bytes properties = new Bytes()
        .u8(0x11).u32(SESSION_EXPIRY) // Session Expiry Interval
        .u8(0x26).string("region").string("eu-west-1") // User Property
        .u8(0x26).string("tenant").string("acme"); // User Property
    Bytes body = new Bytes().string("MQTT").u8(5).u8(0xC2).u16(KEEP_ALIVE);
    body.varInt(properties.size()).bytes(properties.toByteArray());
    body.string(CLIENT_ID).string(USERNAME).string(PASSWORD);
    return body.asPacket();
  }

  private static final class Bytes extends ByteArrayOutputStream {
    Bytes u8(int b) {
      write(b);
      return this;
    }

    Bytes u16(int v) {
      return u8(v >>> 8).u8(v & 0xFF);
    }

    Bytes u32(long v) {
      return u16((int) (v >>> 16)).u16((int) (v & 0xFFFF));
    }

    Bytes varInt(int v) {
      do {
        int digit = v & 0x7F;
        v >>>= 7;
        u8(v > 0 ? digit | 0x80 : digit);
      } while (v > 0);
      return this;
    }

    Bytes bytes(byte[] b) {
      write(b, 0, b.length);
      return this;
    }

    Bytes string(String s) {
      byte[] utf8 = s.getBytes(UTF_8);
      return u16(utf8.length).bytes(utf8);
    }

    byte[] asPacket() {
      return new Bytes().u8(0x10).varInt(size()).bytes(toByteArray()).toByteArray();
    }
  }

  // ---- both sides must have read the same CONNECT ----

  private void checkOurs(ConnectResult result) {
    ConnectInfo info = result.info();
    boolean v5 = version.equals("5");
    require(result.isValid(), "ours: " + result);
    require(info.clientId().equals(CLIENT_ID) && USERNAME.equals(info.username()) && info.hasPassword()
        && info.keepAliveSeconds() == KEEP_ALIVE && info.packetLength() == packet.length, "ours: " + info);
    require(info.sessionExpiryInterval() == (v5 ? SESSION_EXPIRY : -1), "ours: " + info);
    require(info.userProperties().equals(v5
        ? List.of(new UserProperty("region", "eu-west-1"), new UserProperty("tenant", "acme"))
        : List.of()), "ours: " + info);
  }

  private void checkNetty(Object decoded) {
    require(decoded instanceof MqttConnectMessage, "netty: " + decoded);
    MqttConnectMessage message = (MqttConnectMessage) decoded;
    require(message.decoderResult().isSuccess(), "netty: " + message.decoderResult());
    require(message.payload().clientIdentifier().equals(CLIENT_ID)
        && USERNAME.equals(message.payload().userName())
        && PASSWORD.equals(new String(message.payload().passwordInBytes(), UTF_8))
        && message.variableHeader().keepAliveTimeSeconds() == KEEP_ALIVE, "netty: " + message);
    MqttProperties properties = message.variableHeader().properties();
    if (version.equals("5")) {
      require(properties.getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL).value().equals((int) SESSION_EXPIRY)
          && properties.getProperties(MqttProperties.USER_PROPERTY).size() == 2, "netty: " + properties);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("benchmark setup: " + message);
    }
  }
}
