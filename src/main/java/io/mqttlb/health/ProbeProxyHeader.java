package io.mqttlb.health;

import io.mqttlb.config.ProxyProtocol;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header a health probe writes first to a broker that expects one (HAProxy's
 * PROXY protocol specification; EMQX with {@code proxy_protocol = true} closes a connection that
 * does not start with a valid header). A probe's connection is the node's own, not a relayed
 * client's, so the header carries no addresses and the broker uses the connection's real ones:
 *
 * <pre>
 *   v1  "PROXY UNKNOWN\r\n"                               (spec 2.1: protocol UNKNOWN)
 *   v2  0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A  20  00  00 00
 *       the 12-byte signature                 |   |   address length 0: no address block
 *                                             |   family and transport UNSPEC
 *                                             version 2, command LOCAL (spec 2.2: "health checks")
 * </pre>
 *
 * HAProxy's own {@code check-send-proxy} sends the same. Written out here rather than through
 * Netty's {@code HAProxyMessageEncoder}, which cannot write the v1 line without addresses and would
 * need a channel pipeline for sixteen fixed bytes. Pure; the arrays are copies.
 */
final class ProbeProxyHeader {
  /** The v2 signature, {@code \r\n\r\n\0\r\nQUIT\n}: no v1 header or MQTT packet starts this way. */
  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  /** High nibble: version 2; low nibble: command LOCAL (0). */
  private static final byte V2_VERSION_LOCAL = 0x20;
  private static final byte V2_FAMILY_UNSPEC = 0x00;
  private static final String V1_UNKNOWN = "PROXY UNKNOWN\r\n";

  private ProbeProxyHeader() {}

  /** The bytes to send before anything else; empty for {@link ProxyProtocol#NONE}. */
  static byte[] of(ProxyProtocol version) {
    return switch (version) {
      case NONE -> new byte[0];
      case V1 -> V1_UNKNOWN.getBytes(StandardCharsets.US_ASCII);
      case V2 -> {
        byte[] header = new byte[V2_SIGNATURE.length + 4];
        System.arraycopy(V2_SIGNATURE, 0, header, 0, V2_SIGNATURE.length);
        header[V2_SIGNATURE.length] = V2_VERSION_LOCAL;
        header[V2_SIGNATURE.length + 1] = V2_FAMILY_UNSPEC;
        // the two length bytes stay 0
        yield header;
      }
    };
  }
}
