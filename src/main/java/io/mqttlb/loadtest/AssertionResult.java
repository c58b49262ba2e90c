package io.mqttlb.loadtest;

/** An assertion checked at the end of a run: what was expected, what was measured (NaN: no data). */
public record AssertionResult(Assertion assertion, double actual, boolean ok) {

  public String expectedText() {
    return assertion.format(assertion.expected());
  }

  public String actualText() {
    return assertion.format(actual);
  }

  /** {@code OK   connack.p99 lt 50ms (actual 8.1ms)} */
  @Override
  public String toString() {
    return (ok ? "OK     " : "FAILED ") + assertion.metric().key() + " " + assertion.op().key + " " + expectedText()
        + " (actual " + actualText() + ")";
  }
}
