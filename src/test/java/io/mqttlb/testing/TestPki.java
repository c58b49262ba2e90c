package io.mqttlb.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests, writing PEM files the way operators have them: a CA
 * certificate (what {@code mosquitto_sub --cafile} and listeners' {@code tls.caPath} read), server
 * certificates with subject alternative names (so that clients verify the host name), client
 * certificates with a subject CN (mutual TLS, {@code routing.key: certificate-cn}), keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}) or, for RSA, PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), and chain files.
 * Keys are EC P-256 unless RSA is asked for (PKCS#1 exists only for RSA). Thread-safe.
 */
public final class TestPki {
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xFFFFFFFFL);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration VALIDITY = Duration.ofDays(2);

  /** Where a certificate and its key were written, and the certificate itself. */
  public record Issued(Path certPath, Path keyPath, X509Certificate certificate, PrivateKey key) {}

  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate caCertificate;
  private final Path caPath;

  private TestPki(Path dir, String name) {
    this.dir = dir;
    this.name = name;
    try {
      Files.createDirectories(dir);
      this.caKeys = ecKeys();
      X500Name subject = new X500Name("CN=" + name + " test CA,O=mqttlb tests");
      JcaX509v3CertificateBuilder builder = builder(subject, subject, caKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caKeys.getPublic()));
      this.caCertificate = sign(builder, caKeys.getPrivate());
      this.caPath = dir.resolve(name + "-ca.pem");
      writePem(caPath, List.of(caCertificate));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the test CA", e);
    }
  }

  /** A new CA whose files go under {@code dir}, prefixed with {@code name}. */
  public static TestPki create(Path dir, String name) {
    return new TestPki(dir, name);
  }

  /** The CA certificate's PEM file. */
  public Path caPath() {
    return caPath;
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /**
   * A server certificate for {@code hosts} (DNS names, or IP literals such as 127.0.0.1), EC key in
   * PKCS#8; the CN is the first host.
   */
  public Issued server(String fileName, String... hosts) {
    return issue(fileName, hosts[0], hosts, false, false);
  }

  /** A server certificate as {@link #server} with an RSA key written in PKCS#1. */
  public Issued serverWithPkcs1Key(String fileName, String... hosts) {
    return issue(fileName, hosts[0], hosts, false, true);
  }

  /** A client certificate whose subject CN is {@code commonName}, EC key in PKCS#8. */
  public Issued client(String fileName, String commonName) {
    return issue(fileName, commonName, new String[0], true, false);
  }

  /** Writes {@code issued}'s certificate followed by the CA's: a chain file as operators deploy them. */
  public Path chain(Issued issued, String fileName) {
    Path chain = dir.resolve(fileName + "-chain.pem");
    try {
      writePem(chain, List.of(issued.certificate(), caCertificate));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return chain;
  }

  private Issued issue(String fileName, String commonName, String[] hosts, boolean client, boolean rsaPkcs1) {
    try {
      KeyPair keys = rsaPkcs1 ? rsaKeys() : ecKeys();
      JcaX509v3CertificateBuilder builder = builder(
          X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
          new X500Name("CN=" + commonName + ",O=mqttlb tests"), keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(client ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth));
      if (hosts.length > 0) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
          boolean ip = host.matches("[0-9.]+") || host.contains(":");
          names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          extensions.createAuthorityKeyIdentifier(caCertificate));
      X509Certificate certificate = sign(builder, caKeys.getPrivate());
      Path certPath = dir.resolve(fileName + "-cert.pem");
      Path keyPath = dir.resolve(fileName + "-key.pem");
      writePem(certPath, List.of(certificate));
      writeKey(keyPath, keys.getPrivate(), rsaPkcs1);
      return new Issued(certPath, keyPath, certificate, keys.getPrivate());
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue " + fileName + " from the " + name + " test CA", e);
    }
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, java.security.PublicKey key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, key);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey caKey)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(caKey);
    X509CertificateHolder holder = builder.build(signer);
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static KeyPair rsaKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048, RANDOM);
    return generator.generateKeyPair();
  }

  private static void writePem(Path file, List<X509Certificate> certificates) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      for (X509Certificate certificate : certificates) {
        pem.writeObject(new JcaMiscPEMGenerator(certificate));
      }
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }

  /** PKCS#8 ({@code BEGIN PRIVATE KEY}), or for RSA keys on request PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
  private static void writeKey(Path file, PrivateKey key, boolean pkcs1) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      if (pkcs1) {
        pem.writeObject(key); // BouncyCastle writes an RSA key in its traditional OpenSSL form, PKCS#1
      } else {
        pem.writeObject(new JcaPKCS8Generator(key, null));
      }
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }
}
