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
    return switch (configured) {
      case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
      case JDK -> SslProvider.JDK;
      case OPENSSL -> {
        if (!OpenSsl.isAvailable()) {
          Throwable cause = OpenSsl.unavailabilityCause();
          throw new TlsSettingException("provider", "openssl (BoringSSL through netty-tcnative) is not available on"
              + " this machine (" + (cause == null ? "unknown cause" : cause.toString()) + "); use auto or jdk", cause);
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
