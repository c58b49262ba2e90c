package io.mqttlb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.ConfigException;
import io.mqttlb.loadtest.soak.LeakAssertion;
import io.mqttlb.loadtest.soak.LeakDetector;
import io.mqttlb.loadtest.soak.NodeSeries;
import io.mqttlb.loadtest.soak.TierOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The YAML format builds exactly what the Java DSL builds, and every mistake names its key. */
class SimulationYamlTest {
  @TempDir
  Path dir;

  private static final String EVERY_KIND = """
      simulation: reconnect-storm
      description: "persistent clients drop and come back through another node"
      targets: [127.0.0.1:1883, 127.0.0.1:1884]
      markerTopic: test/marker
      scenarios:
        - name: devices
          clientIdPrefix: dev-
          protocol: 5
          steps:
            - connect: { cleanSession: false, sessionExpiry: 1h, keepAlive: 30s }
            - subscribe: { topic: "devices/${clientId}/cmd", qos: 1 }
            - publish: { topic: "devices/${clientId}/up", qos: 2, payloadBytes: 100, count: 10, rate: 5/s }
            - pause: 2s
            - pause: { min: 1s, max: 3s }
            - expect: { topic: "devices/${clientId}/cmd", count: 1, within: 5s }
            - disconnect: {}
            - disconnect
            - reconnect: { through: next, cleanSession: false }
            - reconnect: { through: same }
            - repeat: { times: 3, steps: [ { publish: { topic: t, count: 2, rate: 120/m } }, { pause: 500ms } ] }
          injection:
            - atOnceUsers: 100
            - rampUsers: { users: 500, during: 10s }
            - constantUsersPerSec: { rate: 50, during: 20s }
            - stairs: { start: 10, step: 10, levels: 5, levelDuration: 5s }
            - constantConcurrentUsers: { users: 200, during: 30s }
        - name: legacy
          protocol: 3
          steps:
            - connect: {}
          injection:
            - atOnceUsers: 1
      assertions:
        - { metric: connack.p99, lt: 50ms }
        - { metric: failures.percent, lte: 1 }
        - { metric: stickiness.percent, gte: 99.9 }
        - { metric: delivery.lost, eq: 0 }
        - { metric: publish-to-receive.p95, lt: 0.5s }
        - { metric: connects.perSec, gt: 100 }
      """;

  @Test
  void everyStepInjectionAndAssertionKindMapsOntoTheDsl() throws Exception {
    Simulation yaml = Simulation.fromYaml(write("storm.yaml", EVERY_KIND));

    Scenario devices = Scenario.scenario("devices").clientIdPrefix("dev-").protocol(5)
        .connect(false, Duration.ofHours(1), Duration.ofSeconds(30))
        .subscribe("devices/${clientId}/cmd", 1)
        .publish("devices/${clientId}/up", 2, 100, 10, 5)
        .pause(Duration.ofSeconds(2))
        .pause(Duration.ofSeconds(1), Duration.ofSeconds(3))
        .expect("devices/${clientId}/cmd", 1, Duration.ofSeconds(5))
        .disconnect()
        .disconnect()
        .reconnect(Step.Through.NEXT, false)
        .reconnect(Step.Through.SAME, false)
        .repeat(3, s -> s.publish("t", 0, 64, 2, 2).pause(Duration.ofMillis(500)))
        .inject(Injection.atOnceUsers(100),
            Injection.rampUsers(500).during(Duration.ofSeconds(10)),
            Injection.constantUsersPerSec(50).during(Duration.ofSeconds(20)),
            Injection.stairs(10, 10, 5, Duration.ofSeconds(5)),
            Injection.constantConcurrentUsers(200).during(Duration.ofSeconds(30)));

    assertEquals("reconnect-storm", yaml.name());
    assertEquals("persistent clients drop and come back through another node", yaml.description());
    assertEquals(List.of("127.0.0.1:1883", "127.0.0.1:1884"), yaml.targets());
    assertEquals("test/marker", yaml.markerTopic());
    assertEquals(2, yaml.scenarios().size());
    Scenario parsed = yaml.scenarios().get(0);
    assertEquals(devices.name(), parsed.name());
    assertEquals(devices.clientIdPrefix(), parsed.clientIdPrefix());
    assertEquals(devices.protocol(), parsed.protocol());
    assertEquals(devices.steps(), parsed.steps());
    assertEquals(devices.injection(), parsed.injection());
    assertEquals("dev-000042", parsed.clientId(42));

    Scenario legacy = yaml.scenarios().get(1);
    assertEquals(3, legacy.protocol());
    assertEquals(Scenario.DEFAULT_CLIENT_ID_PREFIX, legacy.clientIdPrefix());
    assertEquals(List.of(new Step.Connect(true, Duration.ZERO, Step.Connect.DEFAULT_KEEP_ALIVE)), legacy.steps());

    assertEquals(List.of(
        Assertion.metric(RunMetric.CONNACK_P99).lt(Duration.ofMillis(50)),
        Assertion.metric(RunMetric.FAILURES_PERCENT).lte(1),
        Assertion.metric(RunMetric.STICKINESS_PERCENT).gte(99.9),
        Assertion.metric(RunMetric.DELIVERY_LOST).eq(0),
        Assertion.metric(RunMetric.PUBLISH_TO_RECEIVE_P95).lt(500),
        Assertion.metric(RunMetric.CONNECTS_PER_SEC).gt(100)), yaml.assertions());
  }

  @Test
  void nameDefaultsToTheFileNameAndANullMarkerTurnsStickinessOff() throws Exception {
    Simulation yaml = Simulation.fromYaml(write("quiet-fleet.yaml", """
        markerTopic: null
        scenarios:
          - name: s
            steps: [ { connect: {} } ]
            injection: [ { atOnceUsers: 1 } ]
        """));
    assertEquals("quiet-fleet", yaml.name());
    assertNull(yaml.markerTopic());
    assertEquals(List.of(), yaml.targets());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown top key       | colour: red                                    | colour",
      "bad target            | targets: [localhost]                           | targets[0]",
      "unknown step          | STEP: { jump: {} }                             | scenarios[0].steps[1].jump",
      "step without options  | STEP: connect                                  | scenarios[0].steps[1]",
      "step as a list        | STEP: [ disconnect ]                           | scenarios[0].steps[1]",
      "qos 3                 | STEP: { subscribe: { topic: t, qos: 3 } }      | scenarios[0].steps[1].subscribe.qos",
      "missing topic         | STEP: { publish: { qos: 1 } }                  | scenarios[0].steps[1].publish.topic",
      "small payload         | STEP: { publish: { topic: t, payloadBytes: 4 } } | scenarios[0].steps[1].publish.payloadBytes",
      "bad rate              | STEP: { publish: { topic: t, rate: fast } }    | scenarios[0].steps[1].publish.rate",
      "bad duration          | STEP: { pause: soon }                          | scenarios[0].steps[1].pause",
      "pause max below min   | STEP: { pause: { min: 2s, max: 1s } }          | scenarios[0].steps[1].pause.max",
      "expect count text     | STEP: { expect: { topic: t, count: many } }    | scenarios[0].steps[1].expect.count",
      "reconnect through     | STEP: { reconnect: { through: elsewhere } }    | scenarios[0].steps[1].reconnect.through",
      "connect typo          | STEP: { connect: { cleanSesion: false } }      | scenarios[0].steps[1].connect.cleanSesion",
      "repeat zero           | STEP: { repeat: { times: 0, steps: [ disconnect ] } } | scenarios[0].steps[1].repeat.times",
      "repeat inner          | STEP: { repeat: { times: 2, steps: [ { pause: x } ] } } | scenarios[0].steps[1].repeat.steps[0].pause",
      "ramp without during   | INJ: { rampUsers: { users: 5 } }               | scenarios[0].injection[0].rampUsers.during",
      "stairs levels         | INJ: { stairs: { start: 1, step: 1, levels: 0, levelDuration: 1s } } | scenarios[0].injection[0].stairs.levels",
      "two profiles in one   | INJ: { atOnceUsers: 1, rampUsers: { users: 1, during: 1s } } | scenarios[0].injection[0]",
      "closed users          | INJ: { constantConcurrentUsers: { users: -1, during: 1s } } | scenarios[0].injection[0].constantConcurrentUsers.users",
      "rate zero             | INJ: { constantUsersPerSec: { rate: 0, during: 1s } } | scenarios[0].injection[0].constantUsersPerSec.rate",
      "unknown metric        | ASSERT: { metric: connack.p42, lt: 5ms }       | assertions[0].metric",
      "two ops               | ASSERT: { metric: connack.p99, lt: 5ms, gt: 1ms } | assertions[0]",
      "bad latency           | ASSERT: { metric: connack.p99, lt: quick }     | assertions[0].lt",
      "protocol 4            | PROTOCOL: 4                                    | scenarios[0].protocol",
      "drain without rate    | operations: [ { at: 1s, drain: b2 } ]          | operations[0].rate",
      "drain rate zero       | operations: [ { at: 1s, drain: b2, rate: 0 } ] | operations[0].rate",
      "two operations in one | operations: [ { at: 1s, drain: b2, enable: b2, rate: 5 } ] | operations[0]",
      "no operation          | operations: [ { at: 1s } ]                     | operations[0]",
      "operation time        | operations: [ { at: soon, enable: b2 } ]       | operations[0].at",
      "operation unknown key | operations: [ { at: 1s, restart: b2 } ]        | operations[0].restart",
      "broker id with slash  | operations: [ { at: 1s, enable: \"b/2\" } ]    | operations[0]",
      "rebalance rate beside | operations: [ { at: 1s, rebalance: {}, rate: 5 } ] | operations[0].rate",
      "rebalance without rate | operations: [ { at: 1s, rebalance: {} } ]     | operations[0].rebalance.rate",
      "noLeak series         | ASSERT: { noLeak: { series: memory, maxSlopePerMinute: 1 } } | assertions[0].noLeak.series",
      "noLeak size           | ASSERT: { noLeak: { series: heap, maxSlopePerMinute: lots } } | assertions[0].noLeak.maxSlopePerMinute",
      "noLeak without slope  | ASSERT: { noLeak: { series: heap } }           | assertions[0].noLeak.maxSlopePerMinute",
      "noLeak growth         | ASSERT: { noLeak: { series: fds, maxSlopePerMinute: 1, maxGrowthPercent: -1 } } | assertions[0].noLeak.maxGrowthPercent",
      "noLeak beside metric  | ASSERT: { noLeak: { series: heap, maxSlopePerMinute: 1 }, metric: x } | assertions[0].metric"})
  void mistakesNameFileAndKey(String title, String change, String key) throws Exception {
    String base = """
        targets: [127.0.0.1:1883]
        scenarios:
          - name: s
            protocol: 5
            steps:
              - connect: {}
        """;
    String yaml;
    if (change.startsWith("STEP: ")) {
      yaml = base + "      - " + change.substring(6) + "\n    injection: [ { atOnceUsers: 1 } ]\n";
    } else if (change.startsWith("INJ: ")) {
      yaml = base + "    injection:\n      - " + change.substring(5) + "\n";
    } else if (change.startsWith("ASSERT: ")) {
      yaml = base + "    injection: [ { atOnceUsers: 1 } ]\nassertions:\n  - " + change.substring(8) + "\n";
    } else if (change.startsWith("PROTOCOL: ")) {
      yaml = base.replace("protocol: 5", "protocol: " + change.substring(10)) + "    injection: [ { atOnceUsers: 1 } ]\n";
    } else if (change.startsWith("targets")) {
      yaml = base.replace("targets: [127.0.0.1:1883]", change) + "    injection: [ { atOnceUsers: 1 } ]\n";
    } else {
      yaml = base + "    injection: [ { atOnceUsers: 1 } ]\n" + change + "\n";
    }
    Path file = write("bad.yaml", yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> Simulation.fromYaml(file), yaml);
    assertEquals(key, e.key(), e.getMessage() + "\n" + yaml);
    assertTrue(e.getMessage().startsWith(file + ": " + key + ": "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void theShippedSoakDrainsEnablesRebalancesAndAssertsNoLeak() throws Exception {
    Simulation soak = Simulation.fromYaml(Path.of("loadtest", "soak.yaml"));
    assertEquals(List.of(
        new TierOperation.Drain(Duration.ofMinutes(8), "b2", 20),
        new TierOperation.Enable(Duration.ofMinutes(14), "b2"),
        new TierOperation.Rebalance(Duration.ofMinutes(18), 20)), soak.operations());
    assertEquals(new LeakAssertion(NodeSeries.HEAP, 4 * 1024 * 1024, LeakDetector.DEFAULT_MAX_GROWTH_PERCENT),
        soak.leakAssertions().get(0));
    assertEquals(new LeakAssertion(NodeSeries.DIRECT, 256 * 1024, LeakDetector.DEFAULT_MAX_GROWTH_PERCENT),
        soak.leakAssertions().get(1));
    assertEquals(List.of(NodeSeries.HEAP, NodeSeries.DIRECT, NodeSeries.BUFFER_DIRECT, NodeSeries.FDS, NodeSeries.THREADS),
        soak.leakAssertions().stream().map(LeakAssertion::series).toList());
    assertEquals(List.of("churn", "sessions"), soak.scenarios().stream().map(Scenario::name).toList());
  }

  @Test
  void noLeakTakesAGrowthLimitAndPlainCounts() throws Exception {
    Simulation yaml = Simulation.fromYaml(write("leaks.yaml", """
        scenarios: [ { name: s, steps: [ connect: {} ], injection: [ { atOnceUsers: 1 } ] } ]
        assertions:
          - noLeak: { series: threads, maxSlopePerMinute: 2, maxGrowthPercent: 5 }
          - noLeak: { series: bufferDirect, maxSlopePerMinute: 2MiB }
          - { metric: failures.total, eq: 0 }
        """));
    assertEquals(List.of(new LeakAssertion(NodeSeries.THREADS, 2, 5),
        new LeakAssertion(NodeSeries.BUFFER_DIRECT, 2 * 1024 * 1024, 10)), yaml.leakAssertions());
    assertEquals(1, yaml.assertions().size());
  }

  @Test
  void fileLevelProblemsNameTheFile() throws Exception {
    Path missing = dir.resolve("absent.yaml");
    assertEquals(missing + ": -: file not found",
        assertThrows(ConfigException.class, () -> Simulation.fromYaml(missing)).getMessage());
    Path broken = write("broken.yaml", "scenarios: [ {");
    assertEquals(broken + ": -: invalid YAML at line 1, column 15: expected the node content, but found"
            + " '<stream end>' (while parsing a flow node)",
        assertThrows(ConfigException.class, () -> Simulation.fromYaml(broken)).getMessage());
    Path empty = write("empty.yaml", "# nothing yet\n");
    assertEquals(empty + ": -: the file is empty; a simulation needs at least a scenarios list",
        assertThrows(ConfigException.class, () -> Simulation.fromYaml(empty)).getMessage());
    Path noScenarios = write("none.yaml", "simulation: x\n");
    assertEquals(noScenarios + ": scenarios: required key is missing",
        assertThrows(ConfigException.class, () -> Simulation.fromYaml(noScenarios)).getMessage());
  }

  private static final String MINIMAL = """
      scenarios:
        - name: s
          steps: [ { connect: { cleanSession: true } } ]
          injection: [ { atOnceUsers: 1 } ]
      """;

  /** A simulation is read by the node configuration's YAML layer: its rules, its words, its one-line form. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      unknown key     | colour: red                      | colour      | unknown key 'colour'; expected one of simulation, description, targets, caFile, markerTopic, scenarios, assertions, operations
      duplicate key   | simulation: a\\nsimulation: b    | simulation  | duplicate key 'simulation'
      local tag       | description: !secret x           | description | unsupported YAML tag '!secret'; write the plain value
      global tag      | description: !!java.net.URL http://x | -        | invalid YAML at line 5, column 14: Global tag is not allowed: tag:yaml.org,2002:java.net.URL
      YAML 1.1 no     | CLEAN: no                        | scenarios[0].steps[0].connect.cleanSession | expected true or false; got 'no'
      hexadecimal     | assertions: [ { metric: failures.total, eq: 0x10 } ] | assertions[0].eq | expected a number; got '0x10'
      merge key       | assertions: [ { <<: { metric: failures.total }, eq: 0 } ] | assertions[0] | keys must be plain names; merge keys (<<) and complex keys are not supported
      unknown metric  | assertions: [ { metric: connack.p42, lt: 5ms } ] | assertions[0].metric | unknown metric 'connack.p42'; expected one of connack.min, connack.p50, connack.p95, connack.p99, connack.max, connack.mean, publish-to-receive.min, publish-to-receive.p50, publish-to-receive.p95, publish-to-receive.p99, publish-to-receive.max, publish-to-receive.mean, connects.total, connects.perSec, messages.sent, messages.received, messages.perSec, messages.duplicated, failures.total, failures.percent, delivery.lost, stickiness.percent, stickiness.moved
      unknown series  | assertions: [ { noLeak: { series: memory, maxSlopePerMinute: 1 } } ] | assertions[0].noLeak.series | unknown series 'memory'; expected one of heap, direct, bufferDirect, fds, threads, eventLoopLag
      """)
  void theNodeConfigurationsRulesAndWordsApply(String title, String change, String key, String problem) throws Exception {
    String text = change.startsWith("CLEAN: ")
        ? MINIMAL.replace("cleanSession: true", "cleanSession: " + change.substring(7))
        : MINIMAL + change.replace("\\n", "\n") + "\n";
    Path file = write("rules.yaml", text);
    ConfigException e = assertThrows(ConfigException.class, () -> Simulation.fromYaml(file), text);
    assertEquals(file + ": " + key + ": " + problem, e.getMessage(), text);
  }

  @Test
  void tooManyAliasesAreRefusedAsInANodeConfiguration() throws Exception {
    StringBuilder text = new StringBuilder(MINIMAL).append("description: &d [x]\noperations:\n");
    for (int i = 0; i < 60; i++) {
      text.append("  - *d\n");
    }
    Path file = write("laughs.yaml", text.toString());
    assertEquals(file + ": -: not valid YAML: Number of aliases for non-scalar nodes exceeds the specified max=50",
        assertThrows(ConfigException.class, () -> Simulation.fromYaml(file)).getMessage());
  }

  @Test
  void valuesAreReadVerbatimAndQuotedNumbersCount() throws Exception {
    Simulation yaml = Simulation.fromYaml(write("verbatim.yaml", """
        description: "${HOME} stays as written"
        scenarios:
          - name: s
            protocol: "5"
            steps: [ { publish: { topic: "t/${clientId}", count: "3" } } ]
            injection: [ { atOnceUsers: 1 } ]
        """));
    assertEquals("${HOME} stays as written", yaml.description());
    assertEquals(5, yaml.scenarios().get(0).protocol());
    assertEquals(List.of(new Step.Publish("t/${clientId}", 0, 64, 3, 0)), yaml.scenarios().get(0).steps());
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
