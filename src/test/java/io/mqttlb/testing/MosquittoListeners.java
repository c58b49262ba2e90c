package io.mqttlb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Extra listeners for {@link MosquittoBroker#start(String, List)}: each is one more loopback port
 * of the same broker (same sessions, same retained marker), speaking TLS or MQTT over WebSocket.
 * Mosquitto started as root reads its files as the user {@code mosquitto}: the certificate files
 * and their directory are made readable by all (they are throw-away test files).
 */
public final class MosquittoListeners {
  private MosquittoListeners() {
  }

  /** A TLS listener presenting {@code certificate} (its key in PKCS#8 or PKCS#1); no client certificates asked. */
  public static List<String> tls(int port, TestPki.Issued certificate, Path caPath) {
    readableByAll(certificate.certPath(), certificate.keyPath(), caPath);
    return List.of(
        "listener " + port + " 127.0.0.1",
        "cafile " + caPath,
        "certfile " + certificate.certPath(),
        "keyfile " + certificate.keyPath());
  }

  /** An MQTT-over-WebSocket listener (any path), plain HTTP. */
  public static List<String> websockets(int port) {
    return List.of("listener " + port + " 127.0.0.1", "protocol websockets");
  }

  /** An MQTT-over-WebSocket listener behind TLS (wss://). */
  public static List<String> secureWebsockets(int port, TestPki.Issued certificate, Path caPath) {
    readableByAll(certificate.certPath(), certificate.keyPath(), caPath);
    return List.of(
        "listener " + port + " 127.0.0.1",
        "protocol websockets",
        "cafile " + caPath,
        "certfile " + certificate.certPath(),
        "keyfile " + certificate.keyPath());
  }

  private static void readableByAll(Path... files) {
    try {
      for (Path file : files) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(file.toAbsolutePath().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
