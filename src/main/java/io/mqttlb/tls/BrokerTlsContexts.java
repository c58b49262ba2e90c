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
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client TLS contexts of a node's connections to brokers that want TLS; relayed connections
 * and health checks share them, so both trust and check exactly the same. One context per broker,
 * built from its {@link BrokerTlsConfig} on an executor of blocking work (it reads the CA file, or
 * the JVM's trust store) at first use, and kept until the broker's settings change. A context that
 * failed to build (a CA file missing on this node) is built again at a use after {@link #RETRY_NANOS},
 * so that a file put in place later is picked up without a restart.
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
  private static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

  private final Executor blocking;
  private final long retryNanos;
  private final Map<String, Built> byBroker = new ConcurrentHashMap<>();

  /** One broker's context, for the settings it was built from. */
  private record Built(BrokerTlsConfig settings, CompletableFuture<SslContext> context, long startedNanos) {
    boolean serves(BrokerTlsConfig wanted, long retryNanos) {
      return settings.equals(wanted)
          && !(context.isCompletedExceptionally() && System.nanoTime() - startedNanos >= retryNanos);
    }
  }

  /** @param blocking runs the builds, off the event loops */
  public BrokerTlsContexts(Executor blocking) {
    this(blocking, RETRY_NANOS);
  }

  BrokerTlsContexts(Executor blocking, long retryNanos) {
    this.blocking = blocking;
    this.retryNanos = retryNanos;
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
      return built.context();
    }
    return byBroker.compute(broker.id(), (id, old) -> old != null && old.serves(wanted, retryNanos) ? old
        : new Built(wanted, CompletableFuture.supplyAsync(() -> build(id, wanted), blocking), System.nanoTime())).context();
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
