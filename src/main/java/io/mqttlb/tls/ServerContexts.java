package io.mqttlb.tls;

import io.mqttlb.config.ClientAuth;
import io.mqttlb.config.TlsConfig;
import io.mqttlb.config.TlsFiles;
import io.mqttlb.config.TlsSettingException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * One load of a TLS listener's files, made into server contexts: the default one and one per SNI
 * name, all with the same protocols (TLS 1.3 and 1.2; older versions have known weaknesses) and the
 * same client-certificate rule. Immutable; a reload builds a new one.
 */
final class ServerContexts {
  private static final String[] PROTOCOLS = {SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2};

  private final SslContext defaultContext;
  /** Server name → context, exact names first, then {@code *.} wildcards of one label; null without SNI. */
  private final Mapping<String, SslContext> byName;
  private final TlsFiles files;
  private final List<CertificateSummary> summaries;

  private ServerContexts(SslContext defaultContext, Mapping<String, SslContext> byName, TlsFiles files,
                         List<CertificateSummary> summaries) {
    this.defaultContext = defaultContext;
    this.byName = byName;
    this.files = files;
    this.summaries = List.copyOf(summaries);
  }

  static ServerContexts build(TlsConfig config, TlsFiles files, SslProvider provider) throws TlsSettingException {
    List<CertificateSummary> summaries = new ArrayList<>();
    SslContext defaultContext = context(config, files.defaultKey(), files.trusted(), provider, "certPath");
    summaries.add(CertificateSummary.of(CertificateSummary.DEFAULT, files.defaultKey().certificate()));
    Mapping<String, SslContext> byName = null;
    if (!files.sni().isEmpty()) {
      DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(defaultContext);
      for (int i = 0; i < files.sni().size(); i++) {
        TlsFiles.SniKey entry = files.sni().get(i);
        mapping.add(entry.serverName(), context(config, entry.key(), files.trusted(), provider, "sni[" + i + "].certPath"));
        summaries.add(CertificateSummary.of(entry.serverName(), entry.key().certificate()));
      }
      byName = mapping.build();
    }
    return new ServerContexts(defaultContext, byName, files, summaries);
  }

  private static SslContext context(TlsConfig config, TlsFiles.CertifiedKey key, List<X509Certificate> trusted,
                                    SslProvider provider, String keyName) throws TlsSettingException {
    SslContextBuilder builder = SslContextBuilder.forServer(key.key(), key.chain().toArray(X509Certificate[]::new))
        .sslProvider(provider)
        .protocols(PROTOCOLS)
        .clientAuth(clientAuth(config.clientAuth()));
    if (!trusted.isEmpty()) {
      builder.trustManager(trusted.toArray(X509Certificate[]::new));
    }
    try {
      return builder.build();
    } catch (SSLException | RuntimeException e) {
      throw new TlsSettingException(keyName, "the " + TlsProviders.label(provider)
          + " TLS engine cannot use this certificate and key: " + e.getMessage(), e);
    }
  }

  private static io.netty.handler.ssl.ClientAuth clientAuth(ClientAuth clientAuth) {
    return switch (clientAuth) {
      case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
      case REQUEST -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
      case REQUIRED -> io.netty.handler.ssl.ClientAuth.REQUIRE;
    };
  }

  SslContext defaultContext() {
    return defaultContext;
  }

  boolean hasSni() {
    return byName != null;
  }

  /** The context for the server name a client asked for; the default one for no name or an unknown one. */
  SslContext forName(String serverName) {
    if (byName == null) {
      return defaultContext;
    }
    try {
      return byName.map(serverName);
    } catch (IllegalArgumentException notAHostName) {
      // The mapping normalizes names with IDN.toASCII, which throws on code points no host name has.
      // Netty reads the ClientHello's name as US-ASCII, so any byte above 0x7F arrives as U+FFFD,
      // one of them: such a name matches no certificate and gets the default one.
      return defaultContext;
    }
  }

  TlsFiles files() {
    return files;
  }

  /** The default certificate first, then the SNI ones in configuration order. */
  List<CertificateSummary> summaries() {
    return summaries;
  }
}
