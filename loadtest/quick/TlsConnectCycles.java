import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import javax.net.ssl.TrustManagerFactory;

/**
 * Connect+disconnect cycles over TLS with a real MQTT client (HiveMQ; each client builds its own
 * TLS context, so every connect is a full handshake), through HAProxy terminating TLS and through an
 * mqttlb node terminating TLS, in turn. Prints the median CONNECT-to-CONNACK time (handshake
 * included) and the CPU each balancer process spent per 1000 cycles, read from /proc. Run by tls-cost.sh.
 */
public class TlsConnectCycles {
  static long cpuMillis(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // USER_HZ 100
  }

  public static void main(String[] a) throws Exception {
    Path ca = Path.of(a[0]);
    int hap = Integer.parseInt(a[1]), lb = Integer.parseInt(a[2]);
    long hapPid = Long.parseLong(a[3]), lbPid = Long.parseLong(a[4]);
    int n = Integer.parseInt(a[5]), rounds = Integer.parseInt(a[6]);
    MqttClientSslConfig tls = MqttClientSslConfig.builder().trustManagerFactory(trusting(ca)).build();
    run(tls, lb, Math.max(200, n / 5), "warm"); // the node's JIT, so that round 1 is not mostly compilation
    for (int r = 0; r < rounds; r++) {
      long c0 = cpuMillis(hapPid); long[] h = run(tls, hap, n, "h" + r); long hc = cpuMillis(hapPid) - c0;
      long c1 = cpuMillis(lbPid); long[] m = run(tls, lb, n, "m" + r); long mc = cpuMillis(lbPid) - c1;
      System.out.printf("round %d (%d cycles): p50 haproxy %.3f ms | mqttlb %.3f ms; CPU per 1000 cycles haproxy %d ms, mqttlb %d ms (ratio %.2f)%n",
          r, n, p(h, 50), p(m, 50), hc * 1000 / n, mc * 1000 / n, (double) mc / Math.max(hc, 1));
    }
  }

  static TrustManagerFactory trusting(Path ca) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }

  static double p(long[] x, int q) { return x[Math.min(x.length - 1, x.length * q / 100)] / 1e6; }

  static long[] run(MqttClientSslConfig tls, int port, int n, String tag) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      Mqtt3BlockingClient c = Mqtt3Client.builder().identifier(tag + "-" + i).serverHost("localhost")
          .serverPort(port).sslConfig(tls).buildBlocking();
      long s = System.nanoTime(); c.connect(); t[i] = System.nanoTime() - s; c.disconnect();
    }
    Arrays.sort(t); return t;
  }
}
