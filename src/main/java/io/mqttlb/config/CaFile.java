package io.mqttlb.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * Checks a CA file before a node relies on it: it must be a readable file of PEM certificates
 * ({@code -----BEGIN CERTIFICATE-----} blocks, as {@code openssl} and Mosquitto's {@code cafile}
 * read them). A relative path is read from the working directory. Pure JDK; stateless.
 */
public final class CaFile {
  private CaFile() {}

  /** What is wrong with the file, e.g. {@code "'ca.pem': file not found"}; empty when it holds certificates. */
  public static Optional<String> problem(String path) {
    String shown = Require.quote(path);
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      return Optional.of(shown + " is not a valid path");
    }
    if (Files.isDirectory(file)) {
      return Optional.of(shown + " is a directory, not a file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        return Optional.of(shown + " holds no PEM certificate");
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.of(shown + ": file not found");
    } catch (AccessDeniedException e) {
      return Optional.of(shown + ": permission denied");
    } catch (IOException e) {
      return Optional.of(shown + ": cannot read: " + e.getMessage());
    } catch (CertificateException e) {
      return Optional.of(shown + " holds no PEM certificate (" + e.getMessage() + ")");
    }
  }
}
