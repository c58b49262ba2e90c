package io.mqttlb.config;

/**
 * Thrown by the configuration records' constructors: names the field (a record component, or an
 * indexed path such as {@code brokers[2].id}) and the problem, so that {@link ConfigLoader} can
 * report it under the key the file uses. The message reads "{@code <field> <problem>}".
 */
final class InvalidFieldException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String problem;

  InvalidFieldException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
    this.problem = problem;
  }

  String field() {
    return field;
  }

  String problem() {
    return problem;
  }
}
