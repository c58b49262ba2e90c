package io.mqttlb.mqtt;

import java.util.List;
import java.util.Objects;

/**
 * What the balancer learns from a well-formed CONNECT. Immutable. The password's bytes are deliberately not kept:
 * routing never needs them and a value that is not held cannot leak into a log.
 *
 * @param protocolName "MQTT" (3.1.1 and 5) or "MQIsdp" (3.1)
 * @param protocolLevel 3 (3.1), 4 (3.1.1) or 5
 * @param clientId the client identifier, possibly empty where the protocol lets the broker assign one
 * @param username the user name, or null when the User Name Flag is 0
 * @param cleanSession Clean Session (3.x) or Clean Start (5)
 * @param sessionExpiryInterval MQTT 5 Session Expiry Interval in seconds (unsigned 32 bits), or -1 when absent or
 *     not MQTT 5
 * @param userProperties the CONNECT's own MQTT 5 User Properties in wire order (not the will's); empty otherwise
 * @param packetLength bytes the CONNECT occupies, fixed header included: the offset of whatever the client
 *     pipelined after it
 */
public record ConnectInfo(
    String protocolName,
    int protocolLevel,
    String clientId,
    String username,
    boolean hasPassword,
    boolean cleanSession,
    int keepAliveSeconds,
    long sessionExpiryInterval,
    boolean willFlag,
    int willQos,
    boolean willRetain,
    List<UserProperty> userProperties,
    int packetLength) {

  private static final int MQTT_5 = 5;

  public ConnectInfo {
    Objects.requireNonNull(protocolName, "protocolName");
    Objects.requireNonNull(clientId, "clientId");
    userProperties = List.copyOf(userProperties);
  }

  /**
   * Whether the client's session ends with this connection, so that no later connection can find it: MQTT 3.1 and
   * 3.1.1 with Clean Session 1 (MQTT 3.1.1, 3.1.2.4), MQTT 5 with Clean Start 1 and a Session Expiry Interval of 0, an
   * absent interval counting as 0 (MQTT 5, 3.1.2.11.2). Clean Start 1 with an interval above 0 starts a new session
   * that outlives the connection, and Clean Start 0 resumes one, whatever the interval: both keep a session.
   */
  public boolean keepsNoSession() {
    if (!cleanSession) {
      return false;
    }
    return protocolLevel != MQTT_5 || sessionExpiryInterval <= 0;
  }
}
