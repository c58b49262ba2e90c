package io.mqttlb.pem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM files as operators have them: from the test CA (EC keys in PKCS#8, RSA keys in PKCS#1, chain
 * files) and from the {@code openssl} command line (SEC1 EC keys, PKCS#1 written by {@code genrsa
 * -traditional}, encrypted keys), read by the JDK alone, each problem named with its file.
 */
@EndToEnd
class PemFilesTest {
  @TempDir
  static Path dir;
  private static TestPki pki;
  private static TestPki.Issued ec;
  private static TestPki.Issued rsa;

  @BeforeAll
  static void certificates() {
    pki = TestPki.create(dir, "pem");
    ec = pki.server("ec", "localhost");
    rsa = pki.serverWithPkcs1Key("rsa", "localhost");
  }

  @Test
  void anEcKeyInPkcs8MatchesItsCertificate() throws Exception {
    assertTrue(Files.readString(ec.keyPath()).startsWith("-----BEGIN PRIVATE KEY-----"));
    PrivateKey key = PemFiles.privateKey(ec.keyPath());
    assertArrayEquals(ec.key().getEncoded(), key.getEncoded());
    assertEquals(List.of(ec.certificate()), PemFiles.certificates(ec.certPath()));
    assertTrue(PemFiles.keyMatches(key, ec.certificate()));
  }

  @Test
  void anRsaKeyInPkcs1IsReadAsTheSameKey() throws Exception {
    assertTrue(Files.readString(rsa.keyPath()).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    PrivateKey key = PemFiles.privateKey(rsa.keyPath());
    assertEquals("RSA", key.getAlgorithm());
    assertArrayEquals(rsa.key().getEncoded(), key.getEncoded(), "re-wrapped into the PKCS#8 the JDK would write");
    assertTrue(PemFiles.keyMatches(key, rsa.certificate()));
  }

  @Test
  void keysAndCertificatesMadeByTheOpensslCommandLine() throws Exception {
    Path sec1 = dir.resolve("sec1.key");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
    assertTrue(Files.readString(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----"), "SEC1");
    Path sec1Cert = selfSigned(sec1, "sec1");
    assertTrue(PemFiles.keyMatches(PemFiles.privateKey(sec1), PemFiles.certificates(sec1Cert).get(0)));

    Path pkcs1 = dir.resolve("pkcs1.key");
    openssl("genrsa", "-traditional", "-out", pkcs1.toString(), "2048");
    assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"), "PKCS#1");
    assertTrue(PemFiles.keyMatches(PemFiles.privateKey(pkcs1), PemFiles.certificates(selfSigned(pkcs1, "pkcs1")).get(0)));

    Path ed25519 = dir.resolve("ed25519.key");
    openssl("genpkey", "-algorithm", "ed25519", "-out", ed25519.toString());
    assertTrue(PemFiles.keyMatches(PemFiles.privateKey(ed25519), PemFiles.certificates(selfSigned(ed25519, "ed")).get(0)));
  }

  @Test
  void aChainFileListsTheServerCertificateFirst() throws Exception {
    List<X509Certificate> chain = PemFiles.certificates(pki.chain(ec, "ec"));
    assertEquals(List.of(ec.certificate(), pki.caCertificate()), chain);
  }

  @Test
  void oneFileHoldingCertificateAndKeyServesAsBoth() throws Exception {
    Path combined = dir.resolve("combined.pem");
    Files.writeString(combined, Files.readString(rsa.certPath()) + Files.readString(rsa.keyPath()));
    assertEquals(List.of(rsa.certificate()), PemFiles.certificates(combined));
    assertTrue(PemFiles.keyMatches(PemFiles.privateKey(combined), rsa.certificate()));
  }

  @Test
  void windowsLineEndingsAndSurroundingTextAreFine() throws Exception {
    Path crlf = dir.resolve("crlf.pem");
    Files.writeString(crlf, "Bag Attributes: written by some tool\r\n"
        + Files.readString(ec.certPath()).replace("\n", "\r\n"));
    assertEquals(List.of(ec.certificate()), PemFiles.certificates(crlf));
  }

  @Test
  void aKeyOfAnotherCertificateDoesNotMatch() throws Exception {
    TestPki.Issued otherEc = pki.server("other-ec", "localhost");
    TestPki.Issued otherRsa = pki.serverWithPkcs1Key("other-rsa", "localhost");
    assertFalse(PemFiles.keyMatches(PemFiles.privateKey(otherEc.keyPath()), ec.certificate()));
    assertFalse(PemFiles.keyMatches(PemFiles.privateKey(otherRsa.keyPath()), rsa.certificate()));
    assertFalse(PemFiles.keyMatches(PemFiles.privateKey(rsa.keyPath()), ec.certificate()), "another algorithm");
  }

  @Test
  void problemsNameTheFile() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertProblem(missing + ": file not found", () -> PemFiles.certificates(missing));
    assertProblem(dir + ": is a directory, not a file", () -> PemFiles.privateKey(dir));
    assertProblem(ec.keyPath() + ": holds a private key, not a certificate", () -> PemFiles.certificates(ec.keyPath()));
    assertProblem(ec.certPath() + ": holds a certificate, not a private key", () -> PemFiles.privateKey(ec.certPath()));

    Path empty = write("empty.pem", "");
    assertProblem(empty + ": no certificate in it (expected a -----BEGIN CERTIFICATE----- block)",
        () -> PemFiles.certificates(empty));
    assertProblem(empty + ": no private key in it (expected a -----BEGIN PRIVATE KEY-----,"
        + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY----- block)", () -> PemFiles.privateKey(empty));

    Path corrupt = write("corrupt.pem", "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG\n-----END CERTIFICATE-----\n");
    String problem = assertThrows(PemException.class, () -> PemFiles.certificates(corrupt)).getMessage();
    assertTrue(problem.startsWith(corrupt + ": certificate 1 is not a valid X.509 certificate: "), problem);

    Path twoKeys = write("two-keys.pem", Files.readString(ec.keyPath()) + Files.readString(rsa.keyPath()));
    assertProblem(twoKeys + ": holds 2 private keys; keep only the certificate's own", () -> PemFiles.privateKey(twoKeys));

    Path large = dir.resolve("large.pem");
    Files.write(large, new byte[PemFiles.MAX_FILE_BYTES + 1]);
    assertProblem(large + ": larger than 1024 KiB, not a PEM file of certificates or keys", () -> PemFiles.certificates(large));
  }

  @Test
  void encryptedKeysAreRefusedWithWhatToDo() throws Exception {
    Path pkcs8 = dir.resolve("encrypted-pkcs8.key");
    openssl("pkcs8", "-topk8", "-in", ec.keyPath().toString(), "-out", pkcs8.toString(), "-passout", "pass:secret");
    Path traditional = dir.resolve("encrypted-pkcs1.key");
    openssl("rsa", "-traditional", "-aes128", "-in", rsa.keyPath().toString(), "-out", traditional.toString(),
        "-passout", "pass:secret");
    assertTrue(Files.readString(traditional).contains("Proc-Type: 4,ENCRYPTED"));
    for (Path key : List.of(pkcs8, traditional)) {
      assertProblem(key + ": the private key is encrypted; give it unencrypted (openssl pkey -in ENCRYPTED -out PLAIN)"
          + " and protect the file by its permissions", () -> PemFiles.privateKey(key));
    }
  }

  interface Read {
    Object run() throws PemException;
  }

  private static void assertProblem(String message, Read read) {
    assertEquals(message, assertThrows(PemException.class, read::run).getMessage());
  }

  private static Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
  }

  private static Path selfSigned(Path key, String name) throws Exception {
    Path cert = dir.resolve(name + ".crt");
    openssl("req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=" + name, "-days", "1", "-out", cert.toString());
    return cert;
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl " + args[0] + " ended");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), "openssl " + String.join(" ", args) + ": " + output);
  }
}
