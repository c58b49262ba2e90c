/**
 * TLS on both sides of a node. Towards clients, termination on listeners: the server contexts a
 * listener's files make (default certificate, SNI certificates, client-certificate verification),
 * the per-listener holder that new handshakes read and reloads replace, and the bounded set of
 * reasons a handshake fails for. Towards brokers that want TLS, {@link io.mqttlb.tls.BrokerTlsContexts}:
 * one client context per broker, shared by relayed connections and health checks.
 *
 * <p>Netty's {@code SslContext} on BoringSSL (netty-tcnative) or the JDK's engine; a listener's
 * files are read by {@link io.mqttlb.config.TlsFiles}. The data plane asks {@link io.mqttlb.tls.ListenerTls}
 * for a handler per accepted client and {@link io.mqttlb.tls.BrokerTlsContexts} for one per broker
 * connection; everything else here runs on the control plane.
 */
package io.mqttlb.tls;
