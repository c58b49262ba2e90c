package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.config.KeyField;
import io.mqttlb.routing.RoutingKey.Source;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The routing key: the configured field, else the other field, else the source IP; by certificate CN,
 * the CN, else as by client id.
 */
class RoutingKeyTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // preferred field, client id, user name, source ip -> key, source
        Arguments.of(KeyField.CLIENT_ID, "dev-1", "alice", "10.0.0.7", "dev-1", Source.CLIENT_ID),
        Arguments.of(KeyField.CLIENT_ID, "", "alice", "10.0.0.7", "alice", Source.USERNAME),
        Arguments.of(KeyField.CLIENT_ID, null, "alice", "10.0.0.7", "alice", Source.USERNAME),
        Arguments.of(KeyField.CLIENT_ID, "", null, "10.0.0.7", "10.0.0.7", Source.SOURCE_IP),
        Arguments.of(KeyField.CLIENT_ID, "", "", "10.0.0.7", "10.0.0.7", Source.SOURCE_IP),
        Arguments.of(KeyField.USERNAME, "dev-1", "alice", "10.0.0.7", "alice", Source.USERNAME),
        Arguments.of(KeyField.USERNAME, "dev-1", null, "10.0.0.7", "dev-1", Source.CLIENT_ID),
        Arguments.of(KeyField.USERNAME, "dev-1", "", "10.0.0.7", "dev-1", Source.CLIENT_ID),
        Arguments.of(KeyField.USERNAME, null, null, "::1", "::1", Source.SOURCE_IP),
        Arguments.of(KeyField.USERNAME, null, null, null, "", Source.SOURCE_IP),
        // by certificate CN, without a certificate: as by client id
        Arguments.of(KeyField.CERTIFICATE_CN, "dev-1", "alice", "10.0.0.7", "dev-1", Source.CLIENT_ID),
        Arguments.of(KeyField.CERTIFICATE_CN, "", "alice", "10.0.0.7", "alice", Source.USERNAME),
        Arguments.of(KeyField.CERTIFICATE_CN, null, null, "10.0.0.7", "10.0.0.7", Source.SOURCE_IP));
  }

  @ParameterizedTest(name = "{0} of ({1}, {2}, {3}) -> {4} from {5}")
  @MethodSource("cases")
  void picksTheConfiguredFieldThenTheOtherThenTheAddress(KeyField preferred, String clientId, String username,
                                                         String sourceIp, String key, Source source) {
    RoutingKey chosen = RoutingKey.choose(preferred, clientId, username, sourceIp, null);
    assertEquals(key, chosen.value());
    assertEquals(source, chosen.source());
  }

  static Stream<Arguments> withCertificate() {
    return Stream.of(
        // preferred field, certificate CN, client id, user name -> key, source
        Arguments.of(KeyField.CERTIFICATE_CN, "device-7", "dev-1", "alice", "device-7", Source.CERTIFICATE_CN),
        Arguments.of(KeyField.CERTIFICATE_CN, "device-7", null, null, "device-7", Source.CERTIFICATE_CN),
        Arguments.of(KeyField.CERTIFICATE_CN, "a,b+c", "dev-1", null, "a,b+c", Source.CERTIFICATE_CN),
        // a certificate without a CN: as without a certificate
        Arguments.of(KeyField.CERTIFICATE_CN, "", "dev-1", "alice", "dev-1", Source.CLIENT_ID),
        Arguments.of(KeyField.CERTIFICATE_CN, "", "", "alice", "alice", Source.USERNAME),
        // routing by a CONNECT field ignores the certificate, even when the fields are empty
        Arguments.of(KeyField.CLIENT_ID, "device-7", "dev-1", "alice", "dev-1", Source.CLIENT_ID),
        Arguments.of(KeyField.USERNAME, "device-7", "dev-1", "alice", "alice", Source.USERNAME),
        Arguments.of(KeyField.CLIENT_ID, "device-7", "", "", "10.0.0.7", Source.SOURCE_IP));
  }

  @ParameterizedTest(name = "{0} of (cn {1}, {2}, {3}) -> {4} from {5}")
  @MethodSource("withCertificate")
  void byCertificateCnTheCnFirstThenAsByClientId(KeyField preferred, String certificateCn, String clientId,
                                                 String username, String key, Source source) {
    RoutingKey chosen = RoutingKey.choose(preferred, clientId, username, "10.0.0.7", certificateCn);
    assertEquals(key, chosen.value());
    assertEquals(source, chosen.source());
  }

  @Test
  void sourcesAreLabelledAsTheAdminApiShowsThem() {
    assertEquals("certificate-cn", Source.CERTIFICATE_CN.label());
    assertEquals(KeyField.CERTIFICATE_CN.label(), Source.CERTIFICATE_CN.label());
  }
}
