package io.mqttlb.admin;

import io.mqttlb.config.TlsConfig;
import io.mqttlb.config.TlsFiles;
import io.mqttlb.config.TlsSettingException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.TrustOptions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTPS for the admin API from {@code admin.tls}: the same files as a listener's TLS, read and
 * checked by the same {@link TlsFiles} (PEM chain, PKCS#8, PKCS#1 or SEC1 key, the CA for client
 * certificates), handed to Vert.x as in-memory key and trust managers. TLS 1.3 and 1.2 only, as on
 * the listeners. The files are read once, when the API starts: a renewed certificate needs a restart.
 */
final class AdminTls {
  /** Only protects the in-memory key store, which never leaves this class. */
  private static final char[] IN_MEMORY = new char[0];

  private AdminTls() {}

  /** Sets {@code options} up for HTTPS; blocks on file reads. The exception names the key and the problem. */
  static void apply(TlsConfig config, HttpServerOptions options) throws TlsSettingException {
    TlsFiles files = TlsFiles.read(config);
    try {
      KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
      keys.load(null, null);
      keys.setKeyEntry("admin", files.defaultKey().key(), IN_MEMORY,
          files.defaultKey().chain().toArray(X509Certificate[]::new));
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, IN_MEMORY);
      options.setSsl(true)
          .setKeyCertOptions(KeyCertOptions.wrap(keyManagers))
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"));
      if (!files.trusted().isEmpty()) {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        for (int i = 0; i < files.trusted().size(); i++) {
          trusted.setCertificateEntry("ca-" + i, files.trusted().get(i));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        options.setTrustOptions(TrustOptions.wrap(trustManagers));
      }
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsSettingException("certPath", "cannot make a key store of the certificate and key: " + e.getMessage(), e);
    }
    options.setClientAuth(switch (config.clientAuth()) {
      case NONE -> io.vertx.core.http.ClientAuth.NONE;
      case REQUEST -> io.vertx.core.http.ClientAuth.REQUEST;
      case REQUIRED -> io.vertx.core.http.ClientAuth.REQUIRED;
    });
    options.setSslEngineOptions(engine(config));
  }

  private static io.vertx.core.net.SSLEngineOptions engine(TlsConfig config) throws TlsSettingException {
    return switch (config.provider()) {
      case JDK -> new JdkSSLEngineOptions();
      case AUTO -> OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
      case OPENSSL -> {
        if (!OpenSSLEngineOptions.isAvailable()) {
          throw new TlsSettingException("provider", "openssl (BoringSSL through netty-tcnative) is not available on"
              + " this machine; use auto or jdk", null);
        }
        yield new OpenSSLEngineOptions();
      }
    };
  }
}
