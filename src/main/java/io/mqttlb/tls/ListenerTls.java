package io.mqttlb.tls;

import io.mqttlb.config.TlsConfig;
import io.mqttlb.config.TlsFiles;
import io.mqttlb.config.TlsSettingException;
import io.mqttlb.metrics.Metrics.TlsMeters;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AsyncMapping;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of one listener: the server contexts its files make, which every new handshake reads, and
 * their reload. A reload reads the files again and, only when all of them load, replaces the contexts
 * in one volatile write; handshakes in progress and established connections keep the contexts they
 * started with. A reload that fails keeps the previous contexts, logs one WARN and is counted.
 *
 * <p>Threading: {@link #newHandler} runs on event loops and only reads; loads block on file reads
 * and run on worker threads, one at a time.
 */
public final class ListenerTls {
  private static final Logger log = LoggerFactory.getLogger(ListenerTls.class);
  /** A ClientHello is a few hundred bytes, a few KiB with large key shares; more is not a client. */
  static final int MAX_CLIENT_HELLO_BYTES = 64 * 1024;
  /**
   * The handshake's only deadline is the connection's {@code limits.connectTimeout}, which runs from
   * accept to CONNECT; Netty's own handshake timers (10 s by default) are turned off.
   */
  private static final long NO_HANDSHAKE_TIMEOUT = 0;

  private final String listener;
  private final TlsConfig config;
  private final SslProvider provider;
  private final TlsMeters meters;
  private volatile ServerContexts contexts;
  /** Reads the contexts current when a client's ClientHello arrives. */
  private final AsyncMapping<String, SslContext> bySni = (name, promise) -> promise.setSuccess(contexts.forName(name));
  /** The files' fingerprint at the last load, whether it worked or not: polling retries only after a change. */
  private String lastAttempt;

  private ListenerTls(String listener, TlsConfig config, SslProvider provider, TlsMeters meters, ServerContexts contexts) {
    this.listener = listener;
    this.config = config;
    this.provider = provider;
    this.meters = meters;
    this.contexts = contexts;
    this.lastAttempt = contexts.files().fingerprint();
  }

  /** Loads a listener's files; blocks on file reads. The exception names the key and the problem. */
  public static ListenerTls load(String listener, TlsConfig config, TlsMeters meters) throws TlsSettingException {
    SslProvider provider = TlsProviders.resolve(config.provider());
    ServerContexts contexts = ServerContexts.build(config, TlsFiles.read(config), provider);
    ListenerTls tls = new ListenerTls(listener, config, provider, meters, contexts);
    tls.warnIfOutOfDate(contexts.summaries());
    for (int i = 0; i < contexts.summaries().size(); i++) {
      int index = i; // a reload keeps the order: default first, then the SNI names as configured
      meters.bindExpiry(contexts.summaries().get(i).servedFor(), () -> tls.contexts.summaries().get(index).notAfter());
    }
    log.info("listener {}: TLS on {}, client certificates {}: {}", listener, TlsProviders.label(provider),
        config.clientAuth().label(), describe(contexts.summaries()));
    return tls;
  }

  /**
   * The first stage of a new client's TLS: an SslHandler on the current default context, or, when
   * the listener has SNI certificates, a handler that picks the context by the ClientHello's server
   * name and then replaces itself with the SslHandler. Either fires Netty's handshake completion event.
   */
  public ChannelHandler newHandler(ByteBufAllocator allocator) {
    ServerContexts now = contexts;
    if (!now.hasSni()) {
      SslHandler handler = now.defaultContext().newHandler(allocator);
      handler.setHandshakeTimeoutMillis(NO_HANDSHAKE_TIMEOUT);
      return handler;
    }
    return new SniHandler(bySni, MAX_CLIENT_HELLO_BYTES, NO_HANDSHAKE_TIMEOUT);
  }

  /** Loads the files again whatever their content (the admin API's reload). Blocks on file reads. */
  public synchronized ReloadResult reload() {
    return load(TlsFiles.fingerprint(config));
  }

  /** Loads the files again if their content changed since the last load; empty otherwise. Blocks on file reads. */
  public synchronized Optional<ReloadResult> reloadIfChanged() {
    String now = TlsFiles.fingerprint(config);
    if (now.equals(lastAttempt)) {
      return Optional.empty();
    }
    return Optional.of(load(now));
  }

  private ReloadResult load(String fingerprintBefore) {
    ServerContexts previous = contexts;
    lastAttempt = fingerprintBefore;
    ServerContexts loaded;
    try {
      loaded = ServerContexts.build(config, TlsFiles.read(config), provider);
    } catch (TlsSettingException e) {
      meters.reloaded(false);
      String problem = "tls." + e.getMessage();
      log.warn("listener {}: TLS files not reloaded, still presenting the previous certificates: {}", listener, problem);
      return ReloadResult.refused(problem, previous.summaries());
    }
    lastAttempt = loaded.files().fingerprint();
    contexts = loaded;
    meters.reloaded(true);
    boolean changed = !loaded.files().fingerprint().equals(previous.files().fingerprint());
    log.info("listener {}: TLS files reloaded ({}): {}", listener, changed ? "changed" : "unchanged",
        describe(loaded.summaries()));
    warnIfOutOfDate(loaded.summaries());
    return ReloadResult.loaded(changed, loaded.summaries());
  }

  private void warnIfOutOfDate(List<CertificateSummary> summaries) {
    Instant now = Instant.now();
    for (CertificateSummary summary : summaries) {
      if (summary.outOfDate(now)) {
        log.warn("listener {}: the {} certificate {} is valid only from {} to {}: clients will refuse it", listener,
            summary.servedFor(), summary.subject(), summary.notBefore(), summary.notAfter());
      }
    }
  }

  private static String describe(List<CertificateSummary> summaries) {
    StringBuilder text = new StringBuilder();
    for (CertificateSummary summary : summaries) {
      text.append(text.length() == 0 ? "" : "; ").append(summary.servedFor()).append(' ').append(summary.subject())
          .append(" serial ").append(summary.serial()).append(" until ").append(summary.notAfter());
    }
    return text.toString();
  }

  public String listener() {
    return listener;
  }

  public TlsConfig config() {
    return config;
  }

  /** {@code openssl} or {@code jdk}: the engine {@code auto} resolved to on this machine. */
  public String provider() {
    return TlsProviders.label(provider);
  }

  /** The certificates new handshakes present: the default one first, then the SNI ones. */
  public List<CertificateSummary> certificates() {
    return contexts.summaries();
  }

  public TlsMeters meters() {
    return meters;
  }
}
