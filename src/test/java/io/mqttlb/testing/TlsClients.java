package io.mqttlb.testing;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real TLS clients for tests: the HiveMQ MQTT client over TLS (it verifies the server's host name,
 * as HTTPS does, unless told otherwise), and the JDK's own TLS socket for reading which certificate
 * a server presents for a server name. Trust and client certificates come from PEM files and
 * {@link TestPki.Issued} certificates.
 */
public final class TlsClients {
  private static final char[] NO_PASSWORD = new char[0];

  private TlsClients() {
  }

  /** Trusts the CA certificates in a PEM file, and nothing else. */
  public static TrustManagerFactory trusting(Path caPem) {
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca" + i++, certificate);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + caPem, e);
    }
  }

  /** Presents {@code issued} as the client certificate. */
  public static KeyManagerFactory presenting(TestPki.Issued issued) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", issued.key(), NO_PASSWORD, new Certificate[] {issued.certificate()});
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, NO_PASSWORD);
      return factory;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot present " + issued.certPath(), e);
    }
  }

  /** TLS that trusts {@code caPem}'s CA and verifies the host name. */
  public static MqttClientSslConfig ssl(Path caPem) {
    return MqttClientSslConfig.builder().trustManagerFactory(trusting(caPem)).build();
  }

  /** As {@link #ssl(Path)}, presenting a client certificate. */
  public static MqttClientSslConfig ssl(Path caPem, TestPki.Issued clientCertificate) {
    return MqttClientSslConfig.builder().trustManagerFactory(trusting(caPem))
        .keyManagerFactory(presenting(clientCertificate)).build();
  }

  public static Mqtt3BlockingClient mqtt3(String clientId, int port, MqttClientSslConfig ssl) {
    return Mqtt3Client.builder().identifier(clientId).serverHost("localhost").serverPort(port).sslConfig(ssl)
        .buildBlocking();
  }

  public static Mqtt5BlockingClient mqtt5(String clientId, int port, MqttClientSslConfig ssl) {
    return Mqtt5Client.builder().identifier(clientId).serverHost("localhost").serverPort(port).sslConfig(ssl)
        .buildBlocking();
  }

  /** The broker an MQTT 3.1.1 client reaches over TLS through {@code port} (to "localhost"), as the broker's marker says. */
  public static String brokerReachedMqtt3(String clientId, int port, MqttClientSslConfig ssl) throws InterruptedException {
    Mqtt3BlockingClient client = mqtt3(clientId, port, ssl);
    client.connectWith().cleanSession(true).send();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt3Publish> marker = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return marker.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("no broker marker for " + clientId));
    } finally {
      client.disconnect();
    }
  }

  /** As {@link #brokerReachedMqtt3}, with an MQTT 5 client. */
  public static String brokerReachedMqtt5(String clientId, int port, MqttClientSslConfig ssl) throws InterruptedException {
    Mqtt5BlockingClient client = mqtt5(clientId, port, ssl);
    client.connectWith().cleanStart(true).send();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt5Publish> marker = publishes.receive(Clients.RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return marker.map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("no broker marker for " + clientId));
    } finally {
      client.disconnect();
    }
  }

  /**
   * The certificate a TLS server on loopback {@code port} presents to a JDK client that asks for
   * {@code serverName} by SNI and verifies it against {@code caPem} and that name, as HTTPS does.
   */
  public static X509Certificate presented(int port, String serverName, Path caPem) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trusting(caPem).getTrustManagers(), null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        // The socket was made unconnected, so the JDK knows no host to verify but the SNI name.
        socket.startHandshake();
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
