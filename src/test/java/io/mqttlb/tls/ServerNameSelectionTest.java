package io.mqttlb.tls;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.mqttlb.config.SniCertificate;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.config.TlsFiles;
import io.mqttlb.testing.TestPki;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which certificate a listener with SNI entries picks for the name a ClientHello carries. */
class ServerNameSelectionTest {
  @TempDir
  static Path dir;
  private static ServerContexts contexts;

  @BeforeAll
  static void build() throws Exception {
    TestPki pki = TestPki.create(dir, "sni");
    TestPki.Issued fallback = pki.server("default", "default.example.net");
    TestPki.Issued exact = pki.server("exact", "mqtt.example.com");
    TestPki.Issued wildcard = pki.server("wildcard", "*.wild.example.org");
    TlsConfig config = TlsConfig.of(fallback.certPath().toString(), fallback.keyPath().toString()).withSni(List.of(
        new SniCertificate("mqtt.example.com", exact.certPath().toString(), exact.keyPath().toString()),
        new SniCertificate("*.wild.example.org", wildcard.certPath().toString(), wildcard.keyPath().toString())));
    contexts = ServerContexts.build(config, TlsFiles.read(config), SslProvider.JDK);
  }

  @Test
  void exactAndWildcardNamesGetTheirCertificates() {
    assertNotSame(contexts.defaultContext(), contexts.forName("mqtt.example.com"));
    assertNotSame(contexts.defaultContext(), contexts.forName("a.wild.example.org"));
    assertSame(contexts.defaultContext(), contexts.forName("other.example"));
    assertSame(contexts.defaultContext(), contexts.forName(null));
  }

  /**
   * Found by fuzzing: a ClientHello's name with a byte above 0x7F (read by Netty as US-ASCII, so as
   * U+FFFD) made the name mapping throw instead of answering the default certificate.
   */
  @Test
  void aNameWithBytesOutsideAsciiGetsTheDefaultCertificate() {
    byte[] clientHelloName = {'o', 't', 'h', 'e', (byte) 0x8E, (byte) 0xD1, 'e', 'x', 'a', 'm', 'p', 'l', 'e'};
    String asNettyReadsIt = new String(clientHelloName, StandardCharsets.US_ASCII);
    assertSame(contexts.defaultContext(), contexts.forName(asNettyReadsIt));
    assertSame(contexts.defaultContext(), contexts.forName("a\uFFFD.wild.example.org"));
  }
}
