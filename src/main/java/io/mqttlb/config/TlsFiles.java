package io.mqttlb.config;

import io.mqttlb.pem.PemException;
import io.mqttlb.pem.PemFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The files a listener's {@link TlsConfig} names, read and checked: the default certificate chain
 * and its key, each SNI certificate and key, and the CA certificates that client certificates must
 * chain to. Checked means each file holds what its key says, and each private key belongs to the
 * first certificate of its chain. Relative paths are read from the working directory.
 *
 * <p>{@link #fingerprint()} is a hash of the bytes that were read, file by file; {@link
 * #fingerprint(TlsConfig)} hashes the files as they are now, so that comparing the two tells whether
 * anything changed since (a missing file hashes as missing). Immutable.
 */
public final class TlsFiles {
  /** A certificate chain, the server's own certificate first, and that certificate's private key. */
  public record CertifiedKey(List<X509Certificate> chain, PrivateKey key) {
    public CertifiedKey {
      chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
      return chain.get(0);
    }
  }

  /** The certificate for a server name that clients ask for by SNI ({@code *.} wildcards as configured). */
  public record SniKey(String serverName, CertifiedKey key) {}

  private final CertifiedKey defaultKey;
  private final List<SniKey> sni;
  private final List<X509Certificate> trusted;
  private final String fingerprint;

  private TlsFiles(CertifiedKey defaultKey, List<SniKey> sni, List<X509Certificate> trusted, String fingerprint) {
    this.defaultKey = defaultKey;
    this.sni = List.copyOf(sni);
    this.trusted = List.copyOf(trusted);
    this.fingerprint = fingerprint;
  }

  /** Reads every file {@code config} names; the first problem names its key. Blocks on file reads. */
  public static TlsFiles read(TlsConfig config) throws TlsSettingException {
    Reader reader = new Reader();
    CertifiedKey defaultKey = reader.certifiedKey("certPath", config.certPath(), "keyPath", config.keyPath());
    List<SniKey> sni = new ArrayList<>();
    for (int i = 0; i < config.sni().size(); i++) {
      SniCertificate entry = config.sni().get(i);
      String at = "sni[" + i + "].";
      sni.add(new SniKey(entry.serverName(),
          reader.certifiedKey(at + "certPath", entry.certPath(), at + "keyPath", entry.keyPath())));
    }
    List<X509Certificate> trusted = List.of();
    if (config.caPath() != null) {
      trusted = reader.certificates("caPath", config.caPath());
    }
    return new TlsFiles(defaultKey, sni, trusted, reader.fingerprint());
  }

  /** The hash {@link #fingerprint()} would have if the files were read now; blocks on file reads. */
  public static String fingerprint(TlsConfig config) {
    Fingerprint hash = new Fingerprint();
    for (String path : paths(config)) {
      byte[] bytes;
      try {
        bytes = PemFiles.read(Path.of(path));
      } catch (PemException | RuntimeException e) { // InvalidPathException too
        bytes = null;
      }
      hash.add(path, bytes);
    }
    return hash.hex();
  }

  /** The paths in the order {@link #read} reads them. */
  private static List<String> paths(TlsConfig config) {
    List<String> paths = new ArrayList<>(List.of(config.certPath(), config.keyPath()));
    for (SniCertificate entry : config.sni()) {
      paths.add(entry.certPath());
      paths.add(entry.keyPath());
    }
    if (config.caPath() != null) {
      paths.add(config.caPath());
    }
    return paths;
  }

  public CertifiedKey defaultKey() {
    return defaultKey;
  }

  public List<SniKey> sni() {
    return sni;
  }

  /** The CA certificates for client certificates; empty without {@code caPath}. */
  public List<X509Certificate> trusted() {
    return trusted;
  }

  /** SHA-256, in hex, over each file's path and bytes as read. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Reads files in order, hashing their bytes as it goes. */
  private static final class Reader {
    private final Fingerprint hash = new Fingerprint();

    CertifiedKey certifiedKey(String certKey, String certPath, String keyKey, String keyPath) throws TlsSettingException {
      List<X509Certificate> chain = certificates(certKey, certPath);
      PrivateKey key;
      byte[] bytes = bytes(keyKey, keyPath);
      try {
        key = PemFiles.privateKey(keyPath, bytes);
      } catch (PemException e) {
        throw new TlsSettingException(keyKey, e.getMessage(), e);
      }
      if (!PemFiles.keyMatches(key, chain.get(0))) {
        throw new TlsSettingException(keyKey, keyPath + ": the private key does not belong to the certificate in "
            + certPath + " (" + chain.get(0).getSubjectX500Principal().getName()
            + (chain.size() > 1 ? "; a chain file lists the server's own certificate first" : "") + ")", null);
      }
      return new CertifiedKey(chain, key);
    }

    List<X509Certificate> certificates(String key, String path) throws TlsSettingException {
      byte[] bytes = bytes(key, path);
      try {
        return PemFiles.certificates(path, bytes);
      } catch (PemException e) {
        throw new TlsSettingException(key, e.getMessage(), e);
      }
    }

    private byte[] bytes(String key, String path) throws TlsSettingException {
      try {
        byte[] bytes = PemFiles.read(Path.of(path));
        hash.add(path, bytes);
        return bytes;
      } catch (PemException e) {
        throw new TlsSettingException(key, e.getMessage(), e);
      } catch (RuntimeException e) { // InvalidPathException
        throw new TlsSettingException(key, Require.quote(path) + " is not a valid path: " + e.getMessage(), e);
      }
    }

    String fingerprint() {
      return hash.hex();
    }
  }

  /** SHA-256 over (path, length or -1, bytes) per file. */
  private static final class Fingerprint {
    private final MessageDigest digest;

    Fingerprint() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }

    void add(String path, byte[] bytes) {
      digest.update(path.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      int length = bytes == null ? -1 : bytes.length;
      digest.update(new byte[] {(byte) (length >> 24), (byte) (length >> 16), (byte) (length >> 8), (byte) length});
      if (bytes != null) {
        digest.update(bytes);
      }
    }

    String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
