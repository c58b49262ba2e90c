package io.mqttlb.mqtt;

import java.util.Objects;

/**
 * The answer to "is this the start of a CONNECT?": NEED_MORE, VALID with the {@link ConnectInfo}, or INVALID with a
 * {@link RejectReason}. Immutable. NEED_MORE is one shared instance, because a slow client asks that question once
 * per read.
 */
public final class ConnectResult {

  public enum Status { NEED_MORE, VALID, INVALID }

  private static final ConnectResult NEED_MORE = new ConnectResult(Status.NEED_MORE, null, null, null, 0);

  private final Status status;
  private final ConnectInfo info;
  private final RejectReason reason;
  private final String detail;
  private final int protocolLevel;

  private ConnectResult(
      Status status, ConnectInfo info, RejectReason reason, String detail, int protocolLevel) {
    this.status = status;
    this.info = info;
    this.reason = reason;
    this.detail = detail;
    this.protocolLevel = protocolLevel;
  }

  /** The shared "not enough bytes yet" answer. */
  public static ConnectResult needMore() {
    return NEED_MORE;
  }

  public static ConnectResult valid(ConnectInfo info) {
    return new ConnectResult(Status.VALID, Objects.requireNonNull(info, "info"), null, null, info.protocolLevel());
  }

  /**
   * @param protocolLevel the level byte if it had been read (whatever its value), else 0; it picks the CONNACK
   *     dialect in {@link Connack#forRejection}
   */
  public static ConnectResult invalid(RejectReason reason, String detail, int protocolLevel) {
    return new ConnectResult(
        Status.INVALID,
        null,
        Objects.requireNonNull(reason, "reason"),
        Objects.requireNonNull(detail, "detail"),
        protocolLevel);
  }

  public Status status() {
    return status;
  }

  public boolean isValid() {
    return status == Status.VALID;
  }

  public boolean needsMore() {
    return status == Status.NEED_MORE;
  }

  public boolean isInvalid() {
    return status == Status.INVALID;
  }

  /** Non-null only when VALID. */
  public ConnectInfo info() {
    return info;
  }

  /** Non-null only when INVALID. */
  public RejectReason reason() {
    return reason;
  }

  /** Why, for debug logs; non-null only when INVALID. Not for metrics: unbounded. */
  public String detail() {
    return detail;
  }

  /** The protocol level byte once it has been read (3, 4, 5, or the unsupported value), else 0. */
  public int protocolLevel() {
    return protocolLevel;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ConnectResult that
        && status == that.status
        && protocolLevel == that.protocolLevel
        && reason == that.reason
        && Objects.equals(info, that.info)
        && Objects.equals(detail, that.detail);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, info, reason, detail, protocolLevel);
  }

  @Override
  public String toString() {
    return switch (status) {
      case NEED_MORE -> "NEED_MORE";
      case VALID -> "VALID(" + info + ")";
      case INVALID -> "INVALID(" + reason.metricLabel() + ", level " + protocolLevel + ": " + detail + ")";
    };
  }
}
