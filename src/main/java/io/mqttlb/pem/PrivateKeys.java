package io.mqttlb.pem;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

/**
 * Private keys from their DER forms, and whether a key belongs to a certificate's public key.
 *
 * <p>The JDK reads only PKCS#8. The older forms that OpenSSL still writes by default are the same
 * key inside a different envelope, so they are re-wrapped into PKCS#8 (RFC 5208 PrivateKeyInfo):
 * <pre>
 *   PKCS#1 RSAPrivateKey  → PrivateKeyInfo { 0, { rsaEncryption, NULL },     OCTET STRING { RSAPrivateKey } }
 *   SEC1   ECPrivateKey   → PrivateKeyInfo { 0, { id-ecPublicKey, curve },   OCTET STRING { ECPrivateKey } }
 * </pre>
 * (SEC1 names its curve inside, in {@code [0]}; PKCS#8 wants it in the algorithm identifier.)
 */
final class PrivateKeys {
  /** 1.2.840.113549.1.1.1 */
  private static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
  /** 1.2.840.10045.2.1 */
  private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
  private static final byte[] VERSION_0 = {Der.INTEGER, 0x01, 0x00};
  private static final byte[] NO_PARAMETERS = {Der.NULL, 0x00};
  /** Key algorithms a PKCS#8 key is tried as, most common first. */
  private static final List<String> ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

  private PrivateKeys() {}

  /** A PKCS#8 PrivateKeyInfo of any algorithm the JDK knows. */
  static PrivateKey pkcs8(byte[] der) throws InvalidKeySpecException {
    InvalidKeySpecException last = null;
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        last = e;
      } catch (GeneralSecurityException e) {
        // this JDK lacks the algorithm: try the next
      }
    }
    throw new InvalidKeySpecException("not an RSA, EC, EdDSA or DSA private key", last);
  }

  /** PKCS#1 RSAPrivateKey, re-wrapped. */
  static PrivateKey pkcs1(byte[] der) throws InvalidKeySpecException {
    byte[] algorithm = Der.sequence(RSA_ENCRYPTION, NO_PARAMETERS);
    return pkcs8(Der.sequence(VERSION_0, algorithm, Der.tlv(Der.OCTET_STRING, der)));
  }

  /** SEC1 ECPrivateKey, re-wrapped with the curve it names. */
  static PrivateKey sec1(byte[] der) throws InvalidKeySpecException {
    byte[] curve = null;
    try {
      for (Der.Element field : Der.read(der).children()) {
        if (field.tag() == Der.CONTEXT_0) {
          Der.Element oid = field.children().get(0);
          if (oid.tag() == Der.OID) {
            curve = oid.encoded();
          }
        }
      }
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new InvalidKeySpecException("malformed EC private key: " + e.getMessage(), e);
    }
    if (curve == null) {
      throw new InvalidKeySpecException("the EC private key does not name its curve");
    }
    byte[] algorithm = Der.sequence(EC_PUBLIC_KEY, curve);
    return pkcs8(Der.sequence(VERSION_0, algorithm, Der.tlv(Der.OCTET_STRING, der)));
  }

  /**
   * Whether {@code key} is the private half of {@code publicKey}: RSA by comparing the moduli, other
   * algorithms by signing random bytes and verifying the signature. True when the algorithm is one
   * this cannot test (the TLS handshake will tell).
   */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    if (key instanceof RSAPrivateKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
      return rsa.getModulus().equals(rsaPublic.getModulus());
    }
    String signatureAlgorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      case "DSA" -> "SHA256withDSA";
      default -> null;
    };
    if (signatureAlgorithm == null) {
      return true;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(signatureAlgorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureAlgorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an EC key on another curve than the certificate's
    }
  }
}
