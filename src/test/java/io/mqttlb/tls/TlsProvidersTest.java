package io.mqttlb.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mqttlb.config.TlsProvider;
import io.mqttlb.config.TlsSettingException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** What each {@code provider} setting means with and without netty-tcnative's BoringSSL on the machine. */
class TlsProvidersTest {
  @Test
  void autoTakesOpensslWhenItLoadsAndTheJdkOtherwise() throws TlsSettingException {
    assertEquals(SslProvider.OPENSSL, TlsProviders.resolve(TlsProvider.AUTO, true, null));
    assertEquals(SslProvider.JDK, TlsProviders.resolve(TlsProvider.AUTO, false, new UnsatisfiedLinkError("no tcnative")));
  }

  @Test
  void opensslWhereItDoesNotLoadIsAClearErrorAtTheProviderKey() {
    TlsSettingException e = assertThrows(TlsSettingException.class,
        () -> TlsProviders.resolve(TlsProvider.OPENSSL, false, new UnsatisfiedLinkError("no netty_tcnative_linux_x86_64")));
    assertEquals("provider", e.key());
    assertEquals("provider: openssl (BoringSSL through netty-tcnative) is not available on this machine"
        + " (java.lang.UnsatisfiedLinkError: no netty_tcnative_linux_x86_64); use auto or jdk", e.getMessage());
  }

  @Test
  void jdkIsAlwaysTheJdk() throws TlsSettingException {
    assertEquals(SslProvider.JDK, TlsProviders.resolve(TlsProvider.JDK, true, null));
  }

  @Test
  void onThisMachineBoringSslLoads() throws TlsSettingException {
    // The build ships netty-tcnative-boringssl-static for linux-x86_64: the tests of the openssl engine depend on it.
    assertEquals(true, OpenSsl.isAvailable(), String.valueOf(OpenSsl.unavailabilityCause()));
    assertEquals(SslProvider.OPENSSL, TlsProviders.resolve(TlsProvider.OPENSSL));
  }
}
