import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import java.nio.file.*;
import java.util.Arrays;

/**
 * Connect+disconnect cycles with a real MQTT client (HiveMQ), sequential, against three targets in
 * turn: the broker directly (baseline), HAProxy with an MQTT stick table, and an mqttlb node. Prints
 * the median CONNECT-to-CONNACK time of each and the CPU each balancer process spent per 1000
 * cycles, read from /proc. Run by connect-cycles.sh.
 */
public class ConnectCycles {
  static long cpuMillis(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 10; // USER_HZ 100
  }
  public static void main(String[] a) throws Exception {
    int direct = Integer.parseInt(a[0]), hap = Integer.parseInt(a[1]), lb = Integer.parseInt(a[2]);
    long hapPid = Long.parseLong(a[3]), lbPid = Long.parseLong(a[4]);
    int n = Integer.parseInt(a[5]), rounds = Integer.parseInt(a[6]);
    for (int r = 0; r < rounds; r++) {
      long[] d = run(direct, n, "d" + r);
      long c0 = cpuMillis(hapPid); long[] h = run(hap, n, "h" + r); long hc = cpuMillis(hapPid) - c0;
      long c1 = cpuMillis(lbPid); long[] m = run(lb, n, "m" + r); long mc = cpuMillis(lbPid) - c1;
      System.out.printf("round %d (%d cycles): p50 direct %.3f | haproxy %.3f (+%.3f) | mqttlb %.3f (+%.3f) ms; CPU per 1000 cycles haproxy %d ms, mqttlb %d ms%n",
        r, n, p(d,50), p(h,50), p(h,50)-p(d,50), p(m,50), p(m,50)-p(d,50), hc * 1000 / n, mc * 1000 / n);
    }
  }
  static double p(long[] x, int q) { return x[Math.min(x.length - 1, x.length * q / 100)] / 1e6; }
  static long[] run(int port, int n, String tag) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      Mqtt3BlockingClient c = Mqtt3Client.builder().identifier(tag + "-" + i).serverHost("127.0.0.1").serverPort(port).buildBlocking();
      long s = System.nanoTime(); c.connect(); t[i] = System.nanoTime() - s; c.disconnect();
    }
    Arrays.sort(t); return t;
  }
}
