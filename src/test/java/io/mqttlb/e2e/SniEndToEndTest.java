package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.mqttlb.config.ListenerConfig;
import io.mqttlb.config.SniCertificate;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.config.TlsProvider;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.OpensslClient;
import io.mqttlb.testing.TestPki;
import io.mqttlb.testing.TlsClients;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SNI: a listener with a default certificate (localhost) and two more, for {@code a.example.test}
 * and for {@code *.wild.example.test}, with each TLS engine. Clients that ask for a name and verify
 * it (the JDK's TLS socket, {@code openssl s_client -verify_hostname}, the HiveMQ client) get the
 * certificate for that name; a name the listener does not know, or none, gets the default one.
 */
@EndToEnd
class SniEndToEndTest {
  @TempDir
  static Path dir;
  private static TestPki pki;
  private static TestPki.Issued localhost;
  private static TestPki.Issued a;
  private static TestPki.Issued wild;
  private static LocalTier tier;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir, "sni");
    localhost = pki.server("localhost", "localhost", "127.0.0.1");
    a = pki.server("a", "a.example.test");
    wild = pki.serverWithPkcs1Key("wild", "*.wild.example.test");
    TlsConfig tls = TlsConfig.of(localhost.certPath().toString(), localhost.keyPath().toString()).withSni(List.of(
        new SniCertificate("a.example.test", a.certPath().toString(), a.keyPath().toString()),
        new SniCertificate("*.wild.example.test", wild.certPath().toString(), wild.keyPath().toString())));
    tier = LocalTier.start(2, config -> config.withListeners(List.of(
        new ListenerConfig("openssl", "127.0.0.1", 0).withTls(tls.withProvider(TlsProvider.OPENSSL)),
        new ListenerConfig("jdk", "127.0.0.1", 0).withTls(tls.withProvider(TlsProvider.JDK)))));
  }

  @AfterAll
  static void stop() throws Exception {
    if (tier != null) {
      tier.close();
    }
  }

  private static int port(TlsProvider provider) {
    return tier.node.listenerPorts().get(provider.label());
  }

  @ParameterizedTest
  @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
  void eachNameGetsItsCertificate(TlsProvider provider) throws Exception {
    assertEquals(a.certificate(), TlsClients.presented(port(provider), "a.example.test", pki.caPath()));
    assertEquals(wild.certificate(), TlsClients.presented(port(provider), "x.wild.example.test", pki.caPath()));
    assertEquals(localhost.certificate(), TlsClients.presented(port(provider), "localhost", pki.caPath()));
  }

  @ParameterizedTest
  @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
  void opensslVerifiesTheNameItAskedFor(TlsProvider provider) throws Exception {
    String ca = pki.caPath().toString();
    for (String name : List.of("a.example.test", "b.wild.example.test")) {
      OpensslClient.Handshake handshake = OpensslClient.connect(port(provider), "-servername", name,
          "-verify_hostname", name, "-CAfile", ca, "-verify_return_error");
      assertTrue(handshake.verified(), name + ":\n" + handshake.output());
    }
    // A wildcard covers one label: a.b.wild.example.test, like a name the listener does not know, gets the default.
    for (String name : List.of("a.b.wild.example.test", "unknown.example.test")) {
      assertTrue(OpensslClient.connect(port(provider), "-servername", name, "-CAfile", ca).subject()
          .contains("CN = localhost"), name);
    }
    assertTrue(OpensslClient.connect(port(provider), "-noservername", "-CAfile", ca).subject().contains("CN = localhost"),
        "no server name: the default certificate");
  }

  @ParameterizedTest
  @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
  void anMqttClientAskingForAnSniNameIsRouted(TlsProvider provider) throws Exception {
    String clientId = "sni-client-" + provider.label();
    // The client's host name is a.example.test, at 127.0.0.1 without a DNS lookup: it sends it by SNI and verifies it.
    Mqtt5BlockingClient client = Mqtt5Client.builder().identifier(clientId)
        .serverAddress(new InetSocketAddress(InetAddress.getByAddress("a.example.test", new byte[] {127, 0, 0, 1}),
            port(provider)))
        .sslConfig(TlsClients.ssl(pki.caPath())).buildBlocking();
    client.connect();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(MosquittoBroker.MARKER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      String reached = publishes.receive(10, TimeUnit.SECONDS)
          .map(p -> new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).orElseThrow();
      assertEquals(tier.routeApiBroker(clientId), reached);
    } finally {
      client.disconnect();
    }
  }
}
