package io.mqttlb.pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files: the certificates in a file (a chain file lists the server's certificate first,
 * then the intermediates), and the one private key in a file. Other blocks are skipped, so a file
 * holding a certificate and its key together (as HAProxy's {@code crt} files do) serves as both.
 * Messages start with the file's path: {@code /etc/mqttlb/tls.key: holds a certificate, not a private key}.
 * Stateless and thread-safe.
 */
public final class PemFiles {
  /** Certificate files are a few KiB; a larger one is a wrong path (a log, a device, a disk image). */
  static final int MAX_FILE_BYTES = 1 << 20;
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final List<String> KEY_TYPES = List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  private PemFiles() {}

  /** One PEM block: its type ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...), its headers and its text. */
  private record Block(String type, String headers, String base64) {}

  /** A file's bytes; the problem in words when it cannot be read. */
  public static byte[] read(Path file) throws PemException {
    try {
      if (Files.isDirectory(file)) {
        throw new PemException(file + ": is a directory, not a file");
      }
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new PemException(file + ": not a regular file");
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
          throw new PemException(file + ": larger than " + (MAX_FILE_BYTES >> 10) + " KiB, not a PEM file of certificates or keys");
        }
        return bytes;
      }
    } catch (NoSuchFileException e) {
      throw new PemException(file + ": file not found", e);
    } catch (AccessDeniedException e) {
      throw new PemException(file + ": permission denied", e);
    } catch (IOException e) {
      throw new PemException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static List<X509Certificate> certificates(Path file) throws PemException {
    return certificates(file.toString(), read(file));
  }

  /**
   * The certificates in PEM text, in file order.
   *
   * @param source what messages call the text (its file's path)
   */
  public static List<X509Certificate> certificates(String source, byte[] pem) throws PemException {
    List<Block> blocks = blocks(pem);
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this JDK reads no X.509 certificates", e);
    }
    for (Block block : blocks) {
      if (!block.type().equals(CERTIFICATE)) {
        continue;
      }
      try {
        byte[] der = decode(source, block);
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException | ClassCastException e) {
        throw new PemException(source + ": certificate " + (certificates.size() + 1) + " is not a valid X.509 certificate: "
            + e.getMessage(), e);
      }
    }
    if (certificates.isEmpty()) {
      if (blocks.stream().anyMatch(b -> isKey(b.type()))) {
        throw new PemException(source + ": holds a private key, not a certificate");
      }
      throw new PemException(source + ": no certificate in it (expected a -----BEGIN CERTIFICATE----- block)");
    }
    return List.copyOf(certificates);
  }

  public static PrivateKey privateKey(Path file) throws PemException {
    return privateKey(file.toString(), read(file));
  }

  /**
   * The one private key in PEM text: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted.
   *
   * @param source what messages call the text (its file's path)
   */
  public static PrivateKey privateKey(String source, byte[] pem) throws PemException {
    List<Block> blocks = blocks(pem);
    List<Block> keys = blocks.stream().filter(b -> isKey(b.type()) || b.type().equals("ENCRYPTED PRIVATE KEY")).toList();
    if (keys.isEmpty()) {
      if (blocks.stream().anyMatch(b -> b.type().equals(CERTIFICATE))) {
        throw new PemException(source + ": holds a certificate, not a private key");
      }
      throw new PemException(source + ": no private key in it (expected a -----BEGIN PRIVATE KEY-----,"
          + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY----- block)");
    }
    if (keys.size() > 1) {
      throw new PemException(source + ": holds " + keys.size() + " private keys; keep only the certificate's own");
    }
    Block key = keys.get(0);
    if (key.type().equals("ENCRYPTED PRIVATE KEY") || key.headers().toUpperCase(Locale.ROOT).contains("ENCRYPTED")) {
      throw new PemException(source + ": the private key is encrypted; give it unencrypted"
          + " (openssl pkey -in ENCRYPTED -out PLAIN) and protect the file by its permissions");
    }
    byte[] der = decode(source, key);
    try {
      return switch (key.type()) {
        case "RSA PRIVATE KEY" -> PrivateKeys.pkcs1(der);
        case "EC PRIVATE KEY" -> PrivateKeys.sec1(der);
        default -> PrivateKeys.pkcs8(der);
      };
    } catch (InvalidKeySpecException e) {
      throw new PemException(source + ": the " + key.type() + " block is not a valid key: " + e.getMessage(), e);
    }
  }

  /** Whether {@code key} belongs to {@code certificate} (its public key). */
  public static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
    return PrivateKeys.matches(key, certificate.getPublicKey());
  }

  private static boolean isKey(String type) {
    return KEY_TYPES.contains(type);
  }

  private static List<Block> blocks(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII).replace("\r", "");
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String body = m.group(2).strip();
      // RFC 1421 headers (Proc-Type, DEK-Info) end at the first blank line; RFC 7468 blocks have none.
      String headers = "";
      int blank = body.indexOf("\n\n");
      if (body.contains(":") && blank > 0) {
        headers = body.substring(0, blank);
        body = body.substring(blank + 2);
      } else if (body.contains(":")) {
        headers = body;
      }
      blocks.add(new Block(m.group(1), headers, body));
    }
    return blocks;
  }

  private static byte[] decode(String source, Block block) throws PemException {
    try {
      return java.util.Base64.getMimeDecoder().decode(block.base64());
    } catch (IllegalArgumentException e) {
      throw new PemException(source + ": the " + block.type() + " block is not valid base64: " + e.getMessage(), e);
    }
  }
}
