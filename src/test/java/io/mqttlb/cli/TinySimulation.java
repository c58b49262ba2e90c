package io.mqttlb.cli;

import io.mqttlb.loadtest.Assertion;
import io.mqttlb.loadtest.Injection;
import io.mqttlb.loadtest.RunMetric;
import io.mqttlb.loadtest.Scenario;
import io.mqttlb.loadtest.Simulation;
import io.mqttlb.loadtest.SimulationDefinition;
import java.time.Duration;

/** A Java simulation for the command's tests: five MQTT 3.1.1 clients connect and leave. */
public final class TinySimulation implements SimulationDefinition {
  @Override
  public Simulation define() {
    return Simulation.simulation("tiny")
        .scenarios(Scenario.scenario("connect").protocol(3).clientIdPrefix("tiny-")
            .connect()
            .pause(Duration.ofMillis(200))
            .disconnect()
            .inject(Injection.atOnceUsers(5)))
        .assertions(Assertion.metric(RunMetric.CONNECTS_TOTAL).eq(5), Assertion.metric(RunMetric.FAILURES_TOTAL).eq(0));
  }
}
