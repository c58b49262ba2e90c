package io.mqttlb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mqttlb.config.ConfigException;
import io.mqttlb.loadtest.Target.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The target forms of the load-test tool, as {@code --targets} and a simulation's {@code targets} write them. */
class TargetTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // text                           | transport | host            | port | path      | written back
      "127.0.0.1:1883                   | MQTT      | 127.0.0.1       | 1883 |           | 127.0.0.1:1883",
      "mqtt://broker-1.internal:1883    | MQTT      | broker-1.internal | 1883 |         | broker-1.internal:1883",
      "mqtts://lb.example.com:8883      | MQTTS     | lb.example.com  | 8883 |           | mqtts://lb.example.com:8883",
      "MQTTS://lb.example.com:8883      | MQTTS     | lb.example.com  | 8883 |           | mqtts://lb.example.com:8883",
      "ws://127.0.0.1:8080/mqtt         | WS        | 127.0.0.1       | 8080 | /mqtt     | ws://127.0.0.1:8080/mqtt",
      "ws://127.0.0.1:8080              | WS        | 127.0.0.1       | 8080 | /mqtt     | ws://127.0.0.1:8080/mqtt",
      "wss://lb.example.com:443/ws/mqtt | WSS       | lb.example.com  | 443  | /ws/mqtt  | wss://lb.example.com:443/ws/mqtt",
      "wss://[::1]:8443/               | WSS       | ::1             | 8443 | /         | wss://[::1]:8443/",
      "[::1]:1883                       | MQTT      | ::1             | 1883 |           | [::1]:1883"})
  void everyFormIsReadAndWrittenBack(String text, Transport transport, String host, int port, String path, String back) {
    Target target = Target.parse(text);
    assertEquals(new Target(transport, host, port, path), target);
    assertEquals(back, target.toString());
    assertEquals(target, Target.parse(target.toString()), "round trip");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "localhost                    | the port is missing, e.g. 127.0.0.1:1883",
      "mqtts://lb.example.com       | the port is missing, e.g. mqtts://127.0.0.1:8883",
      ":1883                        | the host is missing, e.g. 127.0.0.1:1883",
      "ftp://127.0.0.1:21           | unknown scheme \"ftp\"; expected mqtt, mqtts, ws, wss",
      "mqtts://127.0.0.1:8883/mqtt  | only ws:// and wss:// targets have a path",
      "127.0.0.1:1883/mqtt          | only ws:// and wss:// targets have a path",
      "ws://127.0.0.1:80/mqtt?x=1   | the path must be a plain path such as /mqtt, without query or blanks",
      "127.0.0.1:0                  | port must be 1..65535",
      "127.0.0.1:70000              | port must be 1..65535",
      "127.0.0.1:http               | the port is missing or not a number, e.g. 127.0.0.1:1883",
      "::1:1883                     | write an IPv6 address in brackets, e.g. [::1]:1883"})
  void mistakesAreNamed(String text, String why) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.parse(text));
    assertEquals("\"" + text + "\" is not a target: " + why, e.getMessage());
  }

  @Test
  void aSimulationFileTakesTheNewFormsAndItsCaFileIsChecked(@TempDir Path dir) throws Exception {
    String base = """
        targets: ["mqtts://127.0.0.1:8883", "wss://127.0.0.1:8443/mqtt"]
        %s
        scenarios:
          - name: s
            steps: [ { connect: {} } ]
            injection: [ { atOnceUsers: 1 } ]
        """;
    Path ok = Files.writeString(dir.resolve("ok.yaml"), base.formatted(""));
    assertEquals(java.util.List.of("mqtts://127.0.0.1:8883", "wss://127.0.0.1:8443/mqtt"), Simulation.fromYaml(ok).targets());
    Path missingCa = Files.writeString(dir.resolve("missing-ca.yaml"), base.formatted("caFile: /nonexistent/ca.pem"));
    ConfigException e = assertThrows(ConfigException.class, () -> Simulation.fromYaml(missingCa));
    assertEquals("caFile", e.key(), e.getMessage());
    assertEquals(missingCa + ": caFile: caFile '/nonexistent/ca.pem': file not found", e.getMessage());
  }
}
