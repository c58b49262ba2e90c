/**
 * PEM certificates and private keys as operators deploy them, read with the JDK alone: certificate
 * chains, keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1
 * ({@code BEGIN EC PRIVATE KEY}), and the check that a key belongs to a certificate. Every problem is
 * a {@link io.mqttlb.pem.PemException} whose message names the file and says what is wrong in it.
 *
 * <p>Pure: imports nothing from Netty, Vert.x or the rest of mqttlb, so the configuration loader can
 * check a listener's files before anything starts.
 */
package io.mqttlb.pem;
