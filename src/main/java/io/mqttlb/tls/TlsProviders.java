package io.mqttlb.tls;

import io.mqttlb.config.TlsProvider;
import io.mqttlb.config.TlsSettingException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * The TLS engine a listener's {@code provider} setting means on this machine. {@code openssl} is
 * BoringSSL through netty-tcnative: {@link SslProvider#OPENSSL}, whose engines free their native
 * memory when collected, rather than {@code OPENSSL_REFCNT}, whose every engine must be released by
 * hand (one leak per missed release).
 */
final class TlsProviders {
  private TlsProviders() {}

  static SslProvider resolve(TlsProvider configured) throws TlsSettingException {
    return resolve(configured, OpenSsl.isAvailable(), OpenSsl.unavailabilityCause());
  }

  /** @param unavailable why netty-tcnative did not load (null when it did) */
  static SslProvider resolve(TlsProvider configured, boolean openSslAvailable, Throwable unavailable)
      throws TlsSettingException {
    return switch (configured) {
      case AUTO -> openSslAvailable ? SslProvider.OPENSSL : SslProvider.JDK;
      case JDK -> SslProvider.JDK;
      case OPENSSL -> {
        if (!openSslAvailable) {
          throw new TlsSettingException("provider", "openssl (BoringSSL through netty-tcnative) is not available on"
              + " this machine (" + (unavailable == null ? "unknown cause" : unavailable.toString()) + "); use auto or jdk",
              unavailable);
        }
        yield SslProvider.OPENSSL;
      }
    };
  }

  /** The configuration's word for an engine. */
  static String label(SslProvider provider) {
    return provider == SslProvider.JDK ? TlsProvider.JDK.label() : TlsProvider.OPENSSL.label();
  }
}
