package io.mqttlb.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One thing a virtual user does. Immutable; validated when built, with messages naming the field.
 * Topics may contain {@code ${clientId}} and {@code ${user}} (the user's 0-based number).
 */
public sealed interface Step {

  /** Where a {@link Reconnect} goes: the next target in the list, or the one used before. */
  enum Through { NEXT, SAME }

  /**
   * CONNECT and wait for CONNACK. {@code sessionExpiry} is sent by MQTT 5 clients only (3.1.1 keeps
   * a persistent session until it is cleaned).
   */
  record Connect(boolean cleanSession, Duration sessionExpiry, Duration keepAlive) implements Step {
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);

    public Connect {
      Objects.requireNonNull(sessionExpiry, "sessionExpiry");
      Objects.requireNonNull(keepAlive, "keepAlive");
      requireNotNegative("sessionExpiry", sessionExpiry);
      requireNotNegative("keepAlive", keepAlive);
      if (keepAlive.toSeconds() > 65_535) {
        throw new IllegalArgumentException("keepAlive (" + keepAlive + ") must be at most 65535s");
      }
    }
  }

  record Subscribe(String topic, int qos) implements Step {
    public Subscribe {
      requireTopic(topic);
      requireQos(qos);
    }
  }

  /**
   * {@code count} messages of {@code payloadBytes} (at least 16: the first 8 bytes carry the send
   * time, the next 8 a message id unique in the run, so a receiver can tell a redelivery), at
   * {@code ratePerSec} messages per second, or all at once when the rate is 0.
   */
  record Publish(String topic, int qos, int payloadBytes, int count, double ratePerSec) implements Step {
    public static final int MIN_PAYLOAD_BYTES = 16;

    public Publish {
      requireTopic(topic);
      requireQos(qos);
      if (payloadBytes < MIN_PAYLOAD_BYTES || payloadBytes > 1 << 20) {
        throw new IllegalArgumentException("payloadBytes (" + payloadBytes + ") must be 16..1048576 (the first 16 carry the send time and a message id)");
      }
      if (count < 1) {
        throw new IllegalArgumentException("count (" + count + ") must be at least 1");
      }
      if (!(ratePerSec >= 0) || Double.isInfinite(ratePerSec)) {
        throw new IllegalArgumentException("rate (" + ratePerSec + ") must be a positive number per second, or absent");
      }
    }
  }

  /** Waits {@code min}, or a uniformly random time in {@code [min, max]}. */
  record Pause(Duration min, Duration max) implements Step {
    public Pause {
      requireNotNegative("min", min);
      requireNotNegative("max", max);
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max (" + max + ") must not be below min (" + min + ")");
      }
    }
  }

  /**
   * Waits until {@code count} messages on {@code topic} (a topic filter) have arrived since the
   * previous expect of the same filter, at most {@code within}; messages that do not come count as lost.
   */
  record Expect(String topic, int count, Duration within) implements Step {
    public Expect {
      requireTopic(topic);
      if (count < 1) {
        throw new IllegalArgumentException("count (" + count + ") must be at least 1");
      }
      requireNotNegative("within", within);
    }
  }

  record Disconnect() implements Step {}

  /** Disconnects if connected, then connects again with the last connect's settings through the chosen target. */
  record Reconnect(Through through, boolean cleanSession) implements Step {
    public Reconnect {
      Objects.requireNonNull(through, "through");
    }
  }

  record Repeat(int times, List<Step> steps) implements Step {
    public Repeat {
      if (times < 1) {
        throw new IllegalArgumentException("times (" + times + ") must be at least 1");
      }
      steps = List.copyOf(steps);
      if (steps.isEmpty()) {
        throw new IllegalArgumentException("steps must not be empty");
      }
    }
  }

  private static void requireTopic(String topic) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("topic must not be empty");
    }
  }

  private static void requireQos(int qos) {
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos (" + qos + ") must be 0, 1 or 2");
    }
  }

  private static void requireNotNegative(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative()) {
      throw new IllegalArgumentException(field + " (" + d + ") must not be negative");
    }
  }
}
