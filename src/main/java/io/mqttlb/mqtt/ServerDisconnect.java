package io.mqttlb.mqtt;

/** The MQTT 5 DISCONNECT packets the balancer sends to clients on its own (MQTT 5 §3.14). */
public final class ServerDisconnect {
  /** Reason code 0x9C, Use another server: the client should reconnect, elsewhere (MQTT 5 §3.14.2.1). */
  public static final int USE_ANOTHER_SERVER = 0x9C;

  private ServerDisconnect() {
  }

  /**
   * A DISCONNECT with {@code reasonCode} and no properties.
   *
   * <pre>
   *   E0     DISCONNECT, flags 0
   *   02     remaining length 2
   *   9C     reason code
   *   00     property length 0
   * </pre>
   */
  public static byte[] withReason(int reasonCode) {
    return new byte[] {(byte) 0xE0, 0x02, (byte) reasonCode, 0x00};
  }
}
