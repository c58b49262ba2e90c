package io.mqttlb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mqttlb.testing.TestPki;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERT61String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.DERUniversalString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The subject CN a client is routed by and that a PROXY v2 header carries: the most specific one, unescaped. */
class SubjectCommonNameTest {

  static Stream<Arguments> subjects() {
    return Stream.of(
        // subject as RFC 2253 writes it (most specific RDN first) -> CN
        Arguments.of("CN=device-7", "device-7"),
        Arguments.of("CN=device-7,OU=fleet,O=Acme,C=DE", "device-7"),
        Arguments.of("C=DE,O=Acme,CN=device-7", "device-7"),
        Arguments.of("OU=x,CN=device-7,O=Acme", "device-7"),
        // several CNs: the most specific (first in RFC 2253 order, last in the encoding)
        Arguments.of("CN=device-7,OU=fleet,CN=acme-devices,O=Acme", "device-7"),
        Arguments.of("CN=inner,CN=outer", "inner"),
        // multi-valued RDNs: the CN is one of the values
        Arguments.of("UID=7+CN=device-7,O=Acme", "device-7"),
        Arguments.of("CN=device-7+UID=7,O=Acme", "device-7"),
        Arguments.of("OU=a+OU=b,CN=below-nothing", "below-nothing"),
        // escaped characters come back as they are, unescaped
        Arguments.of("CN=a\\,b\\+c\\=d\\;e\\\"f\\<g\\>h\\\\i,O=Acme", "a,b+c=d;e\"f<g>h\\i"),
        Arguments.of("CN=\\#hash\\ ,O=Acme", "#hash "),
        Arguments.of("CN=\\ leading and trailing\\ ", " leading and trailing "),
        Arguments.of("CN=Gerät Nr. 7 ✓", "Gerät Nr. 7 ✓"),
        Arguments.of("CN=sensor/1 ü", "sensor/1 ü"),
        // the attribute type written by OID or in another case is still the CN
        Arguments.of("2.5.4.3=by-oid,O=Acme", "by-oid"),
        Arguments.of("cn=lower-case-type", "lower-case-type"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("subjects")
  void theMostSpecificCnUnescaped(String subject, String cn) {
    assertEquals(cn, SubjectCommonName.of(new X500Principal(subject)));
  }

  @Test
  void aSubjectWithoutCnHasNone() {
    assertNull(SubjectCommonName.of(new X500Principal("O=Acme,C=DE")));
    assertNull(SubjectCommonName.of(new X500Principal("UID=7+OU=x,O=Acme")));
    assertNull(SubjectCommonName.of(new X500Principal("")));
    assertNull(SubjectCommonName.of(new X500Principal("CN=,O=Acme")), "an empty CN is no CN");
    assertNull(SubjectCommonName.of((X509Certificate) null));
  }

  @Test
  void anEmptyMostSpecificCnGivesWayToTheNextOne() {
    assertEquals("outer", SubjectCommonName.of(new X500Principal("CN=,CN=outer")));
  }

  @Test
  void everyDirectoryStringEncodingReadsAsItsText() throws IOException {
    String text = "Gerät-7";
    for (ASN1Encodable value : new ASN1Encodable[] {new DERUTF8String(text), new DERBMPString(text),
        new DERUniversalString(text.getBytes(Charset.forName("UTF-32BE")))}) {
      X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Acme")
          .addRDN(new AttributeTypeAndValue(BCStyle.CN, value)).build();
      assertEquals(text, SubjectCommonName.of(new X500Principal(name.getEncoded())), value.getClass().getSimpleName());
    }
    for (ASN1Encodable value : new ASN1Encodable[] {new DERPrintableString("device-7"), new DERT61String("device-7")}) {
      X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(new AttributeTypeAndValue(BCStyle.CN, value)).build();
      assertEquals("device-7", SubjectCommonName.of(new X500Principal(name.getEncoded())), value.getClass().getSimpleName());
    }
  }

  @Test
  void aBmpStringReadsAsItsTextWhereJavasRfc2253FormGarblesIt() throws IOException {
    X500Principal subject = new X500Principal(new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(new AttributeTypeAndValue(BCStyle.CN, new DERBMPString("Gerät-7"))).build().getEncoded());
    assertEquals("Gerät-7", SubjectCommonName.of(subject));
    assertFalse(subject.getName(X500Principal.RFC2253).contains("Gerät-7"), subject.getName(X500Principal.RFC2253));
  }

  @Test
  void aValueThatIsNotAStringIsNoCn() throws IOException {
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(new AttributeTypeAndValue(BCStyle.CN, new DERPrintableString("outer")))
        .addRDN(new AttributeTypeAndValue(BCStyle.CN, new ASN1Integer(7))).build();
    assertEquals("outer", SubjectCommonName.of(new X500Principal(name.getEncoded())));
  }

  @Test
  void truncatedOrMutatedEncodingsNeverThrow() {
    byte[] valid = new X500Principal("CN=device-7+UID=7,OU=fleet,CN=acme,O=Acme,C=DE").getEncoded();
    Random random = new Random(20261207);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = Arrays.copyOf(valid, 1 + random.nextInt(valid.length));
      for (int flips = random.nextInt(4); flips > 0; flips--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      SubjectCommonName.ofEncoded(bytes); // an answer or null, never an exception
    }
    assertEquals("device-7", SubjectCommonName.ofEncoded(valid));
  }

  @Test
  void aClientCertificatesCn(@TempDir Path dir) {
    TestPki pki = TestPki.create(dir, "cn");
    assertEquals("device-7", SubjectCommonName.of(pki.client("device", "device-7").certificate()));
  }
}
