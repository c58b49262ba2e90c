package io.mqttlb.loadtest;

/**
 * A simulation written in Java: a public class with a public no-argument constructor, named on the
 * command line by its fully qualified class name.
 */
public interface SimulationDefinition {
  Simulation define();
}
