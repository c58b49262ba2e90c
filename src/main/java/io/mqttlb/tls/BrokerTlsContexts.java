package io.mqttlb.tls;

import io.mqttlb.config.BrokerConfig;
import io.mqttlb.config.BrokerTlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client TLS contexts of a node's connections to brokers that want TLS; relayed connections
 * and health checks share them, so both trust and check exactly the same. One context per broker,
 * built from its {@link BrokerTlsConfig} on an executor of blocking work (it reads the CA file, or
 * the JVM's trust store) at first use, and kept until the broker's settings change. A context that
 * failed to build (a CA file missing on this node) is built again at a use after {@link #RETRY_NANOS},
 * and a CA file replaced on disk is read again within {@link #CA_RECHECK_NANOS} of a use, so that
 * a file put in place or renewed later is picked up without a restart.
 *
 * <p>The engine is OpenSSL (BoringSSL through netty-tcnative) when its native library loads, else
 * the JDK's. With {@code verify} the broker's certificate must chain to the trusted authorities and
 * name {@link BrokerConfig#tlsServerName()} (endpoint identification "HTTPS": a DNS name among its
 * subject alternative names, or an IP literal among its IP addresses); without it, nothing is
 * checked, which is logged at WARN once per broker. Thread-safe.
 */
public final class BrokerTlsContexts {
  private static final Logger log = LoggerFactory.getLogger(BrokerTlsContexts.class);
  /** How long a failed build answers every use with its failure before it is tried again. */
  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** How often a broker's CA file is looked at for a change, while its context is in use. */
  static final long CA_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** As a listener's {@code provider: auto}. */
  private static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

  private final Executor blocking;
  private final long retryNanos;
  private final long caRecheckNanos;
  private final Map<String, Built> byBroker = new ConcurrentHashMap<>();

  /** One broker's context, for the settings it was built from. */
  private static final class Built {
    final BrokerTlsConfig settings;
    final CompletableFuture<SslContext> context = new CompletableFuture<>();
    final long startedNanos = System.nanoTime();
    /** The CA file's modification time when the build read it; null without a CA file, or before. */
    volatile FileTime caModified;
    final AtomicLong nextCaCheckNanos;

    Built(BrokerTlsConfig settings, long caRecheckNanos) {
      this.settings = settings;
      this.nextCaCheckNanos = new AtomicLong(startedNanos + caRecheckNanos);
    }

    boolean serves(BrokerTlsConfig wanted, long retryNanos) {
      return settings.equals(wanted)
          && !(context.isCompletedExceptionally() && System.nanoTime() - startedNanos >= retryNanos);
    }
  }

  /** @param blocking runs the builds and the CA files' checks, off the event loops */
  public BrokerTlsContexts(Executor blocking) {
    this(blocking, RETRY_NANOS, CA_RECHECK_NANOS);
  }

  BrokerTlsContexts(Executor blocking, long retryNanos, long caRecheckNanos) {
    this.blocking = blocking;
    this.retryNanos = retryNanos;
    this.caRecheckNanos = caRecheckNanos;
  }

  /**
   * The context for a broker with TLS settings; completed at once after its first build. The future
   * fails, with a message fit for a log line, when the context cannot be built.
   */
  public CompletableFuture<SslContext> context(BrokerConfig broker) {
    BrokerTlsConfig wanted = broker.tls();
    if (wanted == null) {
      throw new IllegalArgumentException("broker " + broker.id() + " has no TLS settings");
    }
    Built built = byBroker.get(broker.id());
    if (built != null && built.serves(wanted, retryNanos)) {
      if (wanted.caPath() != null) {
        checkCaFileLater(broker.id(), built);
      }
      return built.context;
    }
    return byBroker.compute(broker.id(), (id, old) -> old != null && old.serves(wanted, retryNanos) ? old
        : startBuild(id, wanted)).context;
  }

  private Built startBuild(String brokerId, BrokerTlsConfig settings) {
    Built built = new Built(settings, caRecheckNanos);
    blocking.execute(() -> {
      try {
        if (settings.verify() && settings.caPath() != null) {
          built.caModified = modified(settings.caPath()); // before the read: a change during it is seen next time
        }
        built.context.complete(build(brokerId, settings));
      } catch (RuntimeException e) {
        built.context.completeExceptionally(e);
      }
    });
    return built;
  }

  /**
   * At most once per {@link #CA_RECHECK_NANOS}, looks in the background whether the broker's CA file
   * changed since its context read it (a renewed CA put in place); if so the context is dropped, and
   * the next use builds it again. This use keeps the current one.
   */
  private void checkCaFileLater(String brokerId, Built built) {
    long now = System.nanoTime();
    long due = built.nextCaCheckNanos.get();
    if (now - due < 0 || !built.nextCaCheckNanos.compareAndSet(due, now + caRecheckNanos) || !built.context.isDone()) {
      return;
    }
    blocking.execute(() -> {
      if (!Objects.equals(modified(built.settings.caPath()), built.caModified) && byBroker.remove(brokerId, built)) {
        log.info("broker {}: CA file {} changed: its TLS context is built again for the next connection", brokerId,
            built.settings.caPath());
      }
    });
  }

  private static FileTime modified(String path) {
    try {
      return Files.getLastModifiedTime(Path.of(path));
    } catch (IOException | RuntimeException e) {
      return null; // missing or unreadable: the build says why
    }
  }

  private static SslContext build(String brokerId, BrokerTlsConfig settings) {
    if (!settings.verify()) {
      log.warn("broker {}: TLS with verify: false: the connections are encrypted, but the broker's certificate is"
          + " not checked, so anyone on the path can pose as the broker", brokerId);
    }
    try {
      SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(PROVIDER);
      if (!settings.verify()) {
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
      } else {
        if (settings.caPath() != null) {
          builder.trustManager(new File(settings.caPath())); // reads the file now
        }
        builder.endpointIdentificationAlgorithm("HTTPS");
      }
      SslContext context = builder.build();
      log.debug("broker {}: TLS client context built ({}, trust {})", brokerId, PROVIDER,
          !settings.verify() ? "none" : settings.caPath() == null ? "the JVM's default" : settings.caPath());
      return context;
    } catch (SSLException | IllegalArgumentException e) {
      String reason = settings.caPath() != null ? "cannot read the CA file " + settings.caPath() + ": " : "";
      throw new IllegalStateException("TLS context of broker " + brokerId + ": " + reason + rootMessage(e), e);
    }
  }

  /**
   * A handler that starts TLS towards the broker: SNI and the checked name are
   * {@link BrokerConfig#tlsServerName()}; a handshake that takes longer than the timeout fails.
   */
  public static SslHandler newHandler(SslContext context, ByteBufAllocator alloc, BrokerConfig broker,
                                      long handshakeTimeoutMillis) {
    SslHandler handler = context.newHandler(alloc, broker.tlsServerName(), broker.port());
    handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    return handler;
  }

  /**
   * Why a handshake (or a context build) failed, in a few words: the most specific message of the
   * cause chain ("No subject alternative DNS name matching b9.example.com found.", "unable to find
   * valid certification path to requested target"), or what the kind of failure means.
   */
  public static String describe(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof IllegalStateException && cause.getMessage() != null) {
      return cause.getMessage(); // a context build: its message says it all
    }
    if (cause instanceof SslHandshakeTimeoutException) {
      return "the handshake timed out (" + cause.getMessage() + ")";
    }
    if (cause instanceof ClosedChannelException) {
      return "the broker closed the connection during the handshake (does it speak TLS on this port?)";
    }
    return rootMessage(cause);
  }

  private static String rootMessage(Throwable failure) {
    String message = failure.toString();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message;
  }
}
