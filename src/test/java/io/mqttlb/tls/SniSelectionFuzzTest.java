package io.mqttlb.tls;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mqttlb.config.SniCertificate;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.config.TlsFiles;
import io.mqttlb.testing.TestPki;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Coverage-guided fuzzing of the server-name matching that picks a TLS listener's certificate:
 * for any name a ClientHello can carry, {@link ServerContexts#forName} answers a context without
 * throwing; a configured exact name (in any letter case) gets its own context. Names come both as
 * a ClientHello's bytes decoded as Netty decodes them (US-ASCII) and as arbitrary Unicode.
 *
 * <p>Input layout: the last byte chooses the decoding; the rest is the name.
 */
class SniSelectionFuzzTest {
  private static final String EXACT = "mqtt.example.com";
  private static final String WILDCARD = "*.wild.example.org";
  private static final ServerContexts CONTEXTS = contexts();

  @FuzzTest(maxDuration = "3s")
  void serverName(FuzzedDataProvider data) {
    boolean unicode = data.consumeBoolean();
    String name = unicode ? data.consumeRemainingAsString()
        : new String(data.consumeRemainingAsBytes(), StandardCharsets.US_ASCII);
    SslContext chosen = CONTEXTS.forName(name);
    assertNotNull(chosen);
    if (name.toLowerCase(Locale.ROOT).equals(EXACT)) {
      assertSame(CONTEXTS.forName(EXACT), chosen, "an exact name in any letter case");
    }
  }

  private static ServerContexts contexts() {
    try {
      Files.createDirectories(Path.of("target"));
      Path dir = Files.createTempDirectory(Path.of("target"), "sni-fuzz-pki");
      TestPki pki = TestPki.create(dir, "sni");
      TestPki.Issued fallback = pki.server("default", "default.example.net");
      TestPki.Issued exact = pki.server("exact", EXACT);
      TestPki.Issued wildcard = pki.server("wildcard", WILDCARD);
      TlsConfig config = TlsConfig.of(fallback.certPath().toString(), fallback.keyPath().toString()).withSni(List.of(
          new SniCertificate(EXACT, exact.certPath().toString(), exact.keyPath().toString()),
          new SniCertificate(WILDCARD, wildcard.certPath().toString(), wildcard.keyPath().toString())));
      return ServerContexts.build(config, TlsFiles.read(config), SslProvider.JDK);
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the listener's contexts", e);
    }
  }
}
