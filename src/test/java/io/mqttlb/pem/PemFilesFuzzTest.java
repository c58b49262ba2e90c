package io.mqttlb.pem;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.util.List;

/**
 * Coverage-guided fuzzing of the PEM readers that load listeners' and brokers' certificates and
 * keys. For any file content, reading certificates or the private key either succeeds or fails
 * with a {@link PemException} (the message the operator sees); anything else thrown is a finding.
 * The DER forms of keys are fuzzed directly as well (base64 hides them from the fuzzer), where
 * {@link InvalidKeySpecException} is the one documented failure.
 *
 * <p>Input layout: the last byte chooses PEM text or raw DER; the rest is the file or the DER.
 */
class PemFilesFuzzTest {

  @FuzzTest(maxDuration = "3s")
  void read(FuzzedDataProvider data) {
    boolean rawDer = data.consumeBoolean();
    byte[] input = data.consumeRemainingAsBytes();
    if (rawDer) {
      readDer(input);
      return;
    }
    List<X509Certificate> certificates = null;
    PrivateKey key = null;
    try {
      certificates = PemFiles.certificates("fuzzed.pem", input);
    } catch (PemException expected) {
      // the documented answer to a bad file
    }
    try {
      key = PemFiles.privateKey("fuzzed.pem", input);
    } catch (PemException expected) {
      // the documented answer to a bad file
    }
    if (certificates != null && key != null) {
      PemFiles.keyMatches(key, certificates.get(0));
    }
  }

  private static void readDer(byte[] der) {
    try {
      PrivateKeys.pkcs8(der);
    } catch (InvalidKeySpecException expected) {
      // the documented answer to bad DER
    }
    try {
      PrivateKeys.pkcs1(der);
    } catch (InvalidKeySpecException expected) {
      // the documented answer to bad DER
    }
    try {
      PrivateKeys.sec1(der);
    } catch (InvalidKeySpecException expected) {
      // the documented answer to bad DER
    }
  }
}
