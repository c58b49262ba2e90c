package io.mqttlb.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The failures the two engines report, in their own words (each message was seen from a real client
 * in the end-to-end tests), and the reason each one counts as.
 */
class HandshakeFailureTest {
  static Stream<Arguments> failures() {
    return Stream.of(
        failure(new DecoderException(new NotSslRecordException("not an SSL/TLS record: 100c00044d515454")), HandshakeFailure.NOT_TLS),
        failure(withSuppressed(new ClosedChannelException(),
            new SSLHandshakeException("Connection closed while SSL/TLS handshake was in progress")), HandshakeFailure.CLOSED),
        failure(new TooLongFrameException("ClientHello length exceeds 65536: 70000"), HandshakeFailure.PROTOCOL),
        // clientAuth: required, no certificate
        failure(boringssl("100000c0", "PEER_DID_NOT_RETURN_A_CERTIFICATE"), HandshakeFailure.NO_CLIENT_CERTIFICATE),
        failure(new SSLHandshakeException("Empty client certificate chain"), HandshakeFailure.NO_CLIENT_CERTIFICATE),
        // a certificate from another CA
        failure(new SSLHandshakeException("General OpenSslEngine problem").initCause(new CertificateException(
            "PKIX path building failed: unable to find valid certification path to requested target")),
            HandshakeFailure.BAD_CLIENT_CERTIFICATE),
        failure(new SSLHandshakeException("PKIX path building failed: unable to find valid certification path"),
            HandshakeFailure.BAD_CLIENT_CERTIFICATE),
        // the client refused the listener's certificate: TLS 1.2 alerts, readable
        failure(boringssl("10000418", "TLSV1_ALERT_UNKNOWN_CA"), HandshakeFailure.CLIENT_ABORTED),
        failure(new SSLException("Received fatal alert: certificate_unknown"), HandshakeFailure.CLIENT_ABORTED),
        failure(boringssl("10000438", "TLSV1_ALERT_INTERNAL_ERROR"), HandshakeFailure.CLIENT_ABORTED),
        failure(new SSLException("Received fatal alert: internal_error"), HandshakeFailure.CLIENT_ABORTED),
        // ... and TLS 1.3 alerts, sent unencrypted after the server's keys changed
        failure(boringssl("10000070", "BAD_PACKET_LENGTH"), HandshakeFailure.CLIENT_ABORTED),
        failure(new SSLHandshakeException("Insufficient buffer remaining for AEAD cipher fragment (2). Needs to be more"
            + " than tag size (16)"), HandshakeFailure.CLIENT_ABORTED),
        // nothing in common
        failure(boringssl("100000f0", "UNSUPPORTED_PROTOCOL"), HandshakeFailure.PROTOCOL),
        failure(new SSLHandshakeException("Client requested protocol TLSv1.1 is not enabled or supported in server context"),
            HandshakeFailure.PROTOCOL),
        failure(boringssl("100000f3", "WRONG_CURVE"), HandshakeFailure.PROTOCOL),
        failure(new SSLHandshakeException("no cipher suites in common"), HandshakeFailure.PROTOCOL),
        failure(new SSLException("Received fatal alert: protocol_version"), HandshakeFailure.PROTOCOL),
        failure(boringssl("10000410", "SSLV3_ALERT_HANDSHAKE_FAILURE"), HandshakeFailure.PROTOCOL),
        failure(new SSLException("something else entirely"), HandshakeFailure.OTHER));
  }

  private static Arguments failure(Throwable failure, HandshakeFailure expected) {
    return Arguments.of(failure, expected);
  }

  /** BoringSSL's error as netty-tcnative passes it on. */
  private static SSLHandshakeException boringssl(String code, String name) {
    return new SSLHandshakeException("error:" + code + ":SSL routines:OPENSSL_internal:" + name);
  }

  private static Throwable withSuppressed(Throwable failure, Throwable suppressed) {
    failure.addSuppressed(suppressed);
    return failure;
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("failures")
  void eachFailureHasItsReason(Throwable failure, HandshakeFailure expected) {
    assertEquals(expected, HandshakeFailure.of(failure));
  }
}
