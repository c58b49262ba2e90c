package io.mqttlb.config;

import java.util.List;

/**
 * MQTT over WebSocket on a listener: the HTTP path clients upgrade on, the browser origins allowed
 * (empty: any), and the largest WebSocket frame payload a client may send (a frame is held whole
 * before its MQTT bytes are relayed, so this bounds what one client can make the node hold).
 */
public record WebSocketConfig(String path, List<String> allowedOrigins, int maxFrameBytes) {
  public static final String DEFAULT_PATH = "/mqtt";
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
  /** Room for a CONNECT with a client id, a user name and a password. */
  public static final int MIN_MAX_FRAME_BYTES = 256;

  public WebSocketConfig {
    Require.notBlank("path", path);
    if (!path.startsWith("/")) {
      throw new InvalidFieldException("path", Require.quote(path) + " must start with /");
    }
    allowedOrigins = List.copyOf(Require.nonNull("allowedOrigins", allowedOrigins));
    Require.atLeast("maxFrameBytes", maxFrameBytes, MIN_MAX_FRAME_BYTES);
  }

  /** {@code /mqtt}, any origin, frames up to 1 MiB. */
  public static WebSocketConfig defaults() {
    return new WebSocketConfig(DEFAULT_PATH, List.of(), DEFAULT_MAX_FRAME_BYTES);
  }
}
