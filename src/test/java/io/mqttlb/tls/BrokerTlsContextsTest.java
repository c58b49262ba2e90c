package io.mqttlb.tls;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.mqttlb.testing.TestPki;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerTlsContextsTest {
  private static BrokerConfig broker(String id, BrokerTlsConfig tls) {
    return new BrokerConfig(id, "127.0.0.1", 8883, 1).withTls(tls);
  }

  @Test
  void aBrokersContextIsBuiltOnceAndAgainWhenItsSettingsChange(@TempDir Path dir) {
    String ca = TestPki.create(dir, "brokers").caPath().toString();
    BrokerTlsContexts contexts = new BrokerTlsContexts(Runnable::run);
    BrokerConfig b1 = broker("b1", new BrokerTlsConfig(ca, null, true));
    SslContext first = contexts.context(b1).join();
    assertSame(first, contexts.context(b1).join(), "cached");
    assertSame(first, contexts.context(b1.withTls(new BrokerTlsConfig(ca, null, true))).join(), "equal settings: cached");
    SslContext renamed = contexts.context(b1.withTls(new BrokerTlsConfig(ca, "b1.example.com", true))).join();
    assertNotSame(first, renamed, "changed settings: built again");
    assertNotSame(renamed, contexts.context(broker("b2", new BrokerTlsConfig(ca, "b1.example.com", true))).join(),
        "one context per broker");
    assertTrue(contexts.context(broker("b3", BrokerTlsConfig.DEFAULTS)).join().isClient(), "the JVM's default trust");
    assertThrows(IllegalArgumentException.class, () -> contexts.context(new BrokerConfig("plain", "127.0.0.1", 1883, 1)));
  }

  @Test
  void aFailedBuildSaysWhyAndIsTriedAgainLater(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("late-ca.pem");
    BrokerTlsContexts contexts = new BrokerTlsContexts(Runnable::run, 0, BrokerTlsContexts.CA_RECHECK_NANOS);
    BrokerConfig b1 = broker("b1", new BrokerTlsConfig(ca.toString(), null, true));
    CompletableFuture<SslContext> failed = contexts.context(b1);
    CompletionException e = assertThrows(CompletionException.class, failed::join);
    String reason = BrokerTlsContexts.describe(e);
    assertTrue(reason.startsWith("TLS context of broker b1: cannot read the CA file " + ca + ": "), reason);

    // The file appears (deployed late on this node): the next use builds the context.
    Files.copy(TestPki.create(dir, "brokers").caPath(), ca);
    assertTrue(contexts.context(b1).join().isClient());
  }

  @Test
  void aFailedBuildIsNotRetriedAtEveryUse(@TempDir Path dir) {
    BrokerTlsContexts contexts = new BrokerTlsContexts(Runnable::run);
    BrokerConfig b1 = broker("b1", new BrokerTlsConfig(dir.resolve("missing.pem").toString(), null, true));
    CompletableFuture<SslContext> failed = contexts.context(b1);
    assertTrue(failed.isCompletedExceptionally());
    assertSame(failed, contexts.context(b1), "answered from the cache until the retry time has passed");
  }

  @Test
  void aCaFileReplacedOnDiskIsReadAgain(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("ca.pem");
    Files.copy(TestPki.create(dir, "old").caPath(), ca);
    BrokerTlsContexts contexts = new BrokerTlsContexts(Runnable::run, BrokerTlsContexts.RETRY_NANOS, 0);
    BrokerConfig b1 = broker("b1", new BrokerTlsConfig(ca.toString(), null, true));
    SslContext first = contexts.context(b1).join();
    assertSame(first, contexts.context(b1).join(), "the file has not changed");

    Files.copy(TestPki.create(dir, "renewed").caPath(), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(ca, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    assertSame(first, contexts.context(b1).join(), "the use that notices the change keeps the context it had");
    assertNotSame(first, contexts.context(b1).join(), "the next one gets a context of the renewed file");
  }
}
