package io.mqttlb.loadtest;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.MqttWebSocketConfig;
import io.mqttlb.config.CaFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

/**
 * HiveMQ client transports for the targets of a run, built once per run: every user of a target
 * shares its immutable configuration. TLS targets ({@code mqtts://}, {@code wss://}) trust the
 * run's CA file, or the JVM's default authorities without one, and always check that the
 * certificate names the target's host (HiveMQ's endpoint identification "HTTPS", on when no
 * hostname verifier is given): a load test measures the TLS a real client does.
 */
final class ClientTransports {
  private ClientTransports() {}

  /**
   * The TLS settings of a run.
   *
   * @param caFile PEM certificates of the authorities to trust; null for the JVM's default ones
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  static MqttClientSslConfig tls(Path caFile) {
    if (caFile == null) {
      return MqttClientSslConfig.builder().build();
    }
    CaFile.problem(caFile.toString()).ifPresent(problem -> {
      throw new IllegalArgumentException("caFile " + problem);
    });
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      return MqttClientSslConfig.builder().trustManagerFactory(factory).build();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("caFile '" + caFile + "': " + e.getMessage(), e);
    }
  }

  /** How a client reaches {@code target}: its address, TLS and WebSocket as its scheme says, and the timeouts. */
  static MqttClientTransportConfig of(Target target, MqttClientSslConfig tls, Duration connectTimeout) {
    MqttClientTransportConfigBuilder builder = MqttClientTransportConfig.builder()
        .serverHost(target.host())
        .serverPort(target.port())
        .socketConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .mqttConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (target.transport().tls()) {
      builder.sslConfig(tls);
    }
    if (target.transport().websocket()) {
      builder.webSocketConfig(MqttWebSocketConfig.builder().serverPath(target.path()).build());
    }
    return builder.build();
  }
}
