package io.mqttlb.loadtest;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mqttlb.config.ConfigException;

/**
 * Coverage-guided fuzzing of the load-test simulation reader: for any YAML text, it answers a
 * simulation or a {@link ConfigException} naming the problem; anything else thrown is a finding.
 * The seeds are the repository's simulations.
 */
class SimulationYamlFuzzTest {

  @FuzzTest(maxDuration = "3s")
  void parse(FuzzedDataProvider data) {
    String yaml = data.consumeRemainingAsString();
    try {
      assertNotNull(SimulationYaml.parse(yaml, "fuzzed.yaml", "fuzzed"));
    } catch (ConfigException expected) {
      // the documented answer to a bad file
    }
  }
}
