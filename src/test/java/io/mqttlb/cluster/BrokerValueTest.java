package io.mqttlb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.mqttlb.config.NodeConfig;
import io.mqttlb.config.ProxyProtocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerValueTest {
  private static final BrokerConfig PLAIN = new BrokerConfig("b1", "10.0.0.5", 1883, 1);
  private static final BrokerConfig V2_IPV6 = new BrokerConfig("b2", "::1", 1884, 3, ProxyProtocol.V2);

  @Test
  void aBrokerWithoutHeaderKeepsTheTwoFieldForm() {
    assertEquals("10.0.0.5:1883|1", BrokerValue.encode(PLAIN));
    assertEquals("[::1]:1884|3|v2", BrokerValue.encode(V2_IPV6));
    assertEquals("10.0.0.5:1883|1|v1", BrokerValue.encode(PLAIN.withSendProxyProtocol(ProxyProtocol.V1)));
  }

  @Test
  void everyVersionRoundTrips() {
    for (ProxyProtocol version : ProxyProtocol.values()) {
      for (BrokerConfig broker : List.of(PLAIN, V2_IPV6, new BrokerConfig("b3", "broker-3.internal", 65535, 1000))) {
        BrokerConfig withVersion = broker.withSendProxyProtocol(version);
        assertEquals(withVersion, BrokerValue.decode(withVersion.id(), BrokerValue.encode(withVersion)));
      }
    }
  }

  @Test
  void tlsSettingsThatDifferFromTheDefaultsFollowTheTlsField() {
    assertEquals("10.0.0.5:1883|1|tls", BrokerValue.encode(PLAIN.withTls(BrokerTlsConfig.DEFAULTS)));
    assertEquals("[::1]:1884|3|v2|tls;ca=/etc/mqttlb/ca.pem;name=b2.example.com",
        BrokerValue.encode(V2_IPV6.withTls(new BrokerTlsConfig("/etc/mqttlb/ca.pem", "b2.example.com", true))));
    assertEquals("10.0.0.5:1883|1|tls;verify=false", BrokerValue.encode(PLAIN.withTls(new BrokerTlsConfig(null, null, false))));
  }

  @Test
  void everyTlsSettingRoundTripsWithEveryVersion() {
    List<BrokerTlsConfig> settings = List.of(BrokerTlsConfig.DEFAULTS,
        new BrokerTlsConfig("/etc/mqttlb/ca.pem", null, true),
        new BrokerTlsConfig(null, "b1.example.com", true),
        new BrokerTlsConfig(null, "b1.example.com", false),
        // a path with every character the value escapes, and the escape of one written literally
        new BrokerTlsConfig("/srv/a|b;c%7C d=e/ca.pem", "10.0.0.9", true));
    for (ProxyProtocol version : ProxyProtocol.values()) {
      for (BrokerTlsConfig tls : settings) {
        for (BrokerConfig broker : List.of(PLAIN, V2_IPV6)) {
          BrokerConfig expected = broker.withSendProxyProtocol(version).withTls(tls);
          assertEquals(expected, BrokerValue.decode(expected.id(), BrokerValue.encode(expected)), BrokerValue.encode(expected));
        }
      }
    }
  }

  @Test
  void aConnectRateCapFollowsEveryOtherField() {
    assertEquals("10.0.0.5:1883|1|rate=500", BrokerValue.encode(PLAIN.withMaxConnectRate(500)));
    assertEquals("[::1]:1884|3|v2|tls;verify=false|rate=1",
        BrokerValue.encode(V2_IPV6.withTls(new BrokerTlsConfig(null, null, false)).withMaxConnectRate(1)));
    assertEquals("10.0.0.5:1883|1", BrokerValue.encode(PLAIN.withMaxConnectRate(0)), "no cap: the short form");
    for (ProxyProtocol version : ProxyProtocol.values()) {
      for (BrokerTlsConfig tls : java.util.Arrays.asList(null, BrokerTlsConfig.DEFAULTS)) {
        BrokerConfig expected = V2_IPV6.withSendProxyProtocol(version).withTls(tls).withMaxConnectRate(1_000_000);
        assertEquals(expected, BrokerValue.decode(expected.id(), BrokerValue.encode(expected)), BrokerValue.encode(expected));
      }
    }
  }

  @Test
  void aValueAnEarlierNodeWroteReadsWithoutHeader() {
    assertEquals(new BrokerConfig("b2", "::1", 1884, 3), BrokerValue.decode("b2", "[::1]:1884|3"));
  }

  @Test
  void unreadableValuesAreRefused() {
    for (String value : List.of("10.0.0.5:1883", "10.0.0.5:1883|v2", "10.0.0.5:1883|x|v2", "10.0.0.5:1883|1|v3",
        "10.0.0.5:1883|0", "|1", "10.0.0.5:1883|99999999999",
        // TLS after the PROXY version only, once, with known settings and escapes
        "10.0.0.5:1883|1|tls|v2", "10.0.0.5:1883|1|tls|tls", "10.0.0.5:1883|1|v2|v1", "10.0.0.5:1883|1|none",
        "10.0.0.5:1883|1|tls;sni=x", "10.0.0.5:1883|1|tls;ca=%41", "10.0.0.5:1883|1|tls;ca=a%7",
        "10.0.0.5:1883|1|tls;ca=/ca.pem;verify=false", "10.0.0.5:1883|1|tlsx",
        // the rate last, once, a whole number within the cap's range
        "10.0.0.5:1883|1|rate=5|tls", "10.0.0.5:1883|1|rate=5|v2", "10.0.0.5:1883|1|rate=5|rate=5",
        "10.0.0.5:1883|1|rate=", "10.0.0.5:1883|1|rate=-5", "10.0.0.5:1883|1|rate=5x", "10.0.0.5:1883|1|rate=2000000")) {
      assertThrows(IllegalArgumentException.class, () -> BrokerValue.decode("b1", value), value);
    }
  }

  @Test
  void theTierStateReadsOldValuesAndSkipsUnreadableOnes() {
    LocalStateStore store = new LocalStateStore("lb-1");
    try (TierState state = TierState.open(store, NodeConfig.defaults().withBrokers(List.of(V2_IPV6)), "test")) {
      assertEquals(V2_IPV6, state.broker("b2"));
      store.map("brokers").put("old", "127.0.0.1:1885|2");
      store.map("brokers").put("bad", "127.0.0.1:1886|2|v9");
      assertEquals(new BrokerConfig("old", "127.0.0.1", 1885, 2), state.broker("old"));
      assertNull(state.broker("bad"));
      assertEquals(List.of("b2", "old"), state.brokers().stream().map(BrokerConfig::id).toList());
    }
  }
}
