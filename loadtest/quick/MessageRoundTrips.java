import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Message round trips with a real MQTT client (HiveMQ, 3.1.1, QoS 0): one client subscribes to its
 * own topic and publishes to it at a fixed rate; each message goes client → target → broker →
 * target → client, carrying its send time. Against three targets in turn, rounds interleaved: the
 * broker directly (baseline), HAProxy with an MQTT stick table, and an mqttlb node. Prints the round
 * trip p50/p99 of each and the CPU each balancer process spent per message round trip, read from
 * /proc. Run by message-round-trips.sh.
 */
public class MessageRoundTrips {
  static long cpuMicros(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 10_000; // USER_HZ 100
  }

  public static void main(String[] a) throws Exception {
    int direct = Integer.parseInt(a[0]), hap = Integer.parseInt(a[1]), lb = Integer.parseInt(a[2]);
    long hapPid = Long.parseLong(a[3]), lbPid = Long.parseLong(a[4]);
    int messages = Integer.parseInt(a[5]), rate = Integer.parseInt(a[6]), rounds = Integer.parseInt(a[7]);
    for (int r = 0; r < rounds; r++) {
      long[] d = run(direct, messages, rate, "d" + r);
      long c0 = cpuMicros(hapPid);
      long[] h = run(hap, messages, rate, "h" + r);
      long hc = cpuMicros(hapPid) - c0;
      long c1 = cpuMicros(lbPid);
      long[] m = run(lb, messages, rate, "m" + r);
      long mc = cpuMicros(lbPid) - c1;
      System.out.printf("round %d (%d messages at %d/s): round trip p50/p99 direct %.3f/%.3f | haproxy %.3f/%.3f | mqttlb %.3f/%.3f ms;"
              + " balancer CPU per round trip haproxy %.1f µs, mqttlb %.1f µs%n",
          r, messages, rate, p(d, 50), p(d, 99), p(h, 50), p(h, 99), p(m, 50), p(m, 99),
          hc / (double) h.length, mc / (double) m.length);
    }
  }

  static double p(long[] sorted, int q) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, sorted.length * q / 100)] / 1e6;
  }

  /** Round trip times (ns, sorted) of the messages that came back within 5 s of the last send. */
  static long[] run(int port, int messages, int rate, String tag) throws Exception {
    long[] rtt = new long[messages];
    AtomicInteger received = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(messages);
    Mqtt3AsyncClient c = Mqtt3Client.builder().identifier("rtt-" + tag).serverHost("127.0.0.1").serverPort(port).buildAsync();
    c.connect().get(10, TimeUnit.SECONDS);
    String topic = "rtt/" + tag;
    c.subscribeWith().topicFilter(topic).qos(MqttQos.AT_MOST_ONCE).callback(p -> {
      long sent = p.getPayload().orElseThrow().getLong(0);
      int i = received.getAndIncrement();
      if (i < messages) {
        rtt[i] = System.nanoTime() - sent;
        all.countDown();
      }
    }).send().get(10, TimeUnit.SECONDS);
    long gap = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      next += gap;
      byte[] payload = ByteBuffer.allocate(16).putLong(System.nanoTime()).putLong(i).array();
      c.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(payload).send();
    }
    all.await(5, TimeUnit.SECONDS);
    c.disconnect().get(10, TimeUnit.SECONDS);
    long[] got = Arrays.copyOf(rtt, Math.min(received.get(), messages));
    Arrays.sort(got);
    if (got.length < messages) {
      System.out.printf("  %s: %d of %d messages came back%n", tag, got.length, messages);
    }
    return got;
  }
}
