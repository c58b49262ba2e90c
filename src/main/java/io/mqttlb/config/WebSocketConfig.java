package io.mqttlb.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * MQTT over WebSocket on a listener: the HTTP path clients upgrade on, the browser origins allowed
 * (empty: any), and the largest WebSocket frame payload a client may send (a frame is held whole
 * before its MQTT bytes are relayed, so this bounds what one client can make the node hold).
 *
 * <p>An origin is written as browsers send it in the {@code Origin} header: {@code scheme://host} or
 * {@code scheme://host:port}, without a path (RFC 6454 §6.2), or {@code null} for the opaque origin
 * of sandboxed frames and local files.
 */
public record WebSocketConfig(String path, List<String> allowedOrigins, int maxFrameBytes) {
  public static final String DEFAULT_PATH = "/mqtt";
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
  /** Room for a CONNECT with a client id, a user name and a password. */
  public static final int MIN_MAX_FRAME_BYTES = 256;
  /** The path is compared with the request's path alone, so a query or fragment here could never match. */
  private static final Pattern PATH = Pattern.compile("/[^?#\\s]*");
  private static final Pattern ORIGIN = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s@]+|null");

  public WebSocketConfig {
    Require.notBlank("path", path);
    if (!path.startsWith("/")) {
      throw new InvalidFieldException("path", Require.quote(path) + " must start with /");
    }
    if (!PATH.matcher(path).matches()) {
      throw new InvalidFieldException("path", Require.quote(path) + " must be a path alone, without query,"
          + " fragment or spaces");
    }
    allowedOrigins = List.copyOf(Require.nonNull("allowedOrigins", allowedOrigins));
    for (int i = 0; i < allowedOrigins.size(); i++) {
      if (!ORIGIN.matcher(allowedOrigins.get(i)).matches()) {
        throw new InvalidFieldException("allowedOrigins[" + i + "]", Require.quote(allowedOrigins.get(i))
            + " is not an origin: write scheme://host or scheme://host:port, without a path, as browsers send it");
      }
    }
    Require.atLeast("maxFrameBytes", maxFrameBytes, MIN_MAX_FRAME_BYTES);
  }

  /** {@code /mqtt}, any origin, frames up to 1 MiB. */
  public static WebSocketConfig defaults() {
    return new WebSocketConfig(DEFAULT_PATH, List.of(), DEFAULT_MAX_FRAME_BYTES);
  }

  /** Whether a browser at {@code origin} may connect: any when no origins are listed; origins compare case-insensitively. */
  public boolean allowsOrigin(String origin) {
    if (allowedOrigins.isEmpty()) {
      return true;
    }
    for (String allowed : allowedOrigins) {
      if (allowed.equalsIgnoreCase(origin)) {
        return true;
      }
    }
    return false;
  }
}
