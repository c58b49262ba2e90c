package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttlb.config.KeyField;
import io.mqttlb.routing.RoutingKey.Source;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The routing key: the configured field, else the other field, else the source IP. */
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
        Arguments.of(KeyField.USERNAME, null, null, null, "", Source.SOURCE_IP));
  }

  @ParameterizedTest(name = "{0} of ({1}, {2}, {3}) -> {4} from {5}")
  @MethodSource("cases")
  void picksTheConfiguredFieldThenTheOtherThenTheAddress(KeyField preferred, String clientId, String username,
                                                         String sourceIp, String key, Source source) {
    RoutingKey chosen = RoutingKey.choose(preferred, clientId, username, sourceIp);
    assertEquals(key, chosen.value());
    assertEquals(source, chosen.source());
  }
}
