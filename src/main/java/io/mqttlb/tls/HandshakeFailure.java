package io.mqttlb.tls;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a client's TLS handshake failed, as a label of a small fixed set (metric tags stay bounded).
 * Both engines report failures as exceptions whose messages name the TLS alert or the engine's
 * error: the JDK writes {@code Received fatal alert: unknown_ca} or {@code Empty client certificate
 * chain}, BoringSSL {@code ...:TLSV1_ALERT_UNKNOWN_CA} or {@code ...:PEER_DID_NOT_RETURN_A_CERTIFICATE}.
 * {@link #of} reads the exception types first, then those words.
 */
public enum HandshakeFailure {
  /** The first bytes were not a TLS record: e.g. plain MQTT sent to a TLS port. */
  NOT_TLS("not_tls"),
  /** No complete handshake within {@code limits.connectTimeout}. */
  TIMEOUT("timeout"),
  /** {@code clientAuth: required} and the client sent no certificate (or none issued by a CA in {@code caPath}). */
  NO_CLIENT_CERTIFICATE("no_client_certificate"),
  /** The client's certificate does not verify against {@code caPath} (another CA, expired, wrong use). */
  BAD_CLIENT_CERTIFICATE("bad_client_certificate"),
  /**
   * The client ended the handshake with an alert: nearly always because it does not accept this
   * listener's certificate (unknown CA, a name it does not list, out of date). A TLS 1.3 client sends
   * that alert before it has keys for the handshake, so the node receives an unencrypted record it
   * cannot open and cannot tell which alert it was.
   */
  CLIENT_ABORTED("client_aborted"),
  /** No protocol version, cipher suite or curve in common, or a malformed handshake. */
  PROTOCOL("protocol"),
  /** The client closed the connection during the handshake; not counted as a failure (the client left). */
  CLOSED("closed"),
  OTHER("other");

  private static final List<String> NO_CERTIFICATE = List.of("empty client certificate chain",
      "peer_did_not_return_a_certificate", "certificate_required");
  /** A received alert: the JDK's wording, or BoringSSL's error name ({@code SSLV3_ALERT_...}, {@code TLSV1_ALERT_...}). */
  private static final Pattern RECEIVED_ALERT = Pattern.compile("(?:received fatal alert: |_alert_)([a-z_]+)");
  /** Alerts that say the two sides found no common ground, rather than that the client refused the certificate. */
  private static final List<String> NEGOTIATION_ALERTS = List.of("protocol_version", "handshake_failure",
      "insufficient_security", "illegal_parameter", "decode_error", "unexpected_message", "missing_extension",
      "unsupported_extension", "no_application_protocol", "inappropriate_fallback");
  /**
   * A record too short for its encryption tag where an encrypted one was due: a TLS 1.3 client's
   * alert, sent unencrypted (a two-byte record) while the node already reads with handshake keys.
   */
  private static final List<String> UNENCRYPTED_ALERT = List.of("bad_packet_length",
      "insufficient buffer remaining for aead cipher fragment (2)");
  private static final List<String> PROTOCOL_WORDS = List.of("protocol", "version", "cipher", "curve", "shared",
      "decode", "record", "message");

  private final String label;

  HandshakeFailure(String label) {
    this.label = label;
  }

  /** The metric label. */
  public String label() {
    return label;
  }

  /** The reason for the failure a handshake ended with. */
  public static HandshakeFailure of(Throwable failure) {
    boolean verificationFailed = false;
    StringBuilder words = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof NotSslRecordException) {
        return NOT_TLS;
      }
      if (t instanceof SslHandshakeTimeoutException) {
        return TIMEOUT;
      }
      if (t instanceof ClosedChannelException) {
        return CLOSED;
      }
      if (t instanceof TooLongFrameException) {
        return PROTOCOL; // a ClientHello over the bound
      }
      verificationFailed |= t instanceof CertificateException || t instanceof CertPathValidatorException
          || t instanceof CertPathBuilderException;
      words.append(' ').append(t.getMessage());
    }
    String text = words.toString().toLowerCase(Locale.ROOT);
    if (NO_CERTIFICATE.stream().anyMatch(text::contains)) {
      return NO_CLIENT_CERTIFICATE;
    }
    if (verificationFailed || text.contains("certificate_verify_failed") || text.contains("pkix path")) {
      return BAD_CLIENT_CERTIFICATE;
    }
    Matcher alert = RECEIVED_ALERT.matcher(text);
    if (alert.find()) {
      return NEGOTIATION_ALERTS.contains(alert.group(1)) ? PROTOCOL : CLIENT_ABORTED;
    }
    if (UNENCRYPTED_ALERT.stream().anyMatch(text::contains)) {
      return CLIENT_ABORTED;
    }
    if (PROTOCOL_WORDS.stream().anyMatch(text::contains)) {
      return PROTOCOL;
    }
    return OTHER;
  }
}
