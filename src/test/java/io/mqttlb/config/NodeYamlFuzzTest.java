package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the node configuration reader: for any YAML text (and any value of
 * the one environment variable it may reference), {@link ConfigLoader#parse} answers a
 * configuration or a {@link ConfigException} naming the problem; anything else thrown is a
 * finding. The seeds are the repository's example and cluster configurations.
 *
 * <p>Input layout: the last byte picks the variable's value; the rest is the YAML.
 */
class NodeYamlFuzzTest {
  /** Values an operator's environment might hold: empty, a number, text, YAML-looking text. */
  private static final String[] VALUES = {"", "1884", "b1", "${MQTTLB_FUZZ}", "a: [b", "\n- x", "127.0.0.1:1883"};

  @FuzzTest(maxDuration = "3s")
  void parse(FuzzedDataProvider data) {
    String variable = VALUES[data.consumeInt(0, VALUES.length - 1)];
    String yaml = data.consumeRemainingAsString();
    try {
      assertNotNull(ConfigLoader.parse(yaml, "fuzzed.yaml", Map.of("MQTTLB_FUZZ", variable)));
    } catch (ConfigException expected) {
      // the documented answer to a bad file
    }
  }
}
