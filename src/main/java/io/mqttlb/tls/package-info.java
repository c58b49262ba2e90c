/**
 * TLS termination on listeners: the server contexts a listener's files make (default certificate,
 * SNI certificates, client-certificate verification), the per-listener holder that new handshakes
 * read and reloads replace, and the bounded set of reasons a handshake fails for.
 *
 * <p>Netty's {@code SslContext} on BoringSSL (netty-tcnative) or the JDK's engine; the files are
 * read by {@link io.mqttlb.config.TlsFiles}. The data plane asks {@link io.mqttlb.tls.ListenerTls}
 * for a handler per accepted client; everything else here runs on the control plane.
 */
package io.mqttlb.tls;
