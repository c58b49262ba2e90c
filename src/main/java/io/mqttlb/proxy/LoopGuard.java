package io.mqttlb.proxy;

import io.mqttlb.metrics.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts relay loops, which would otherwise make a node relay to itself until it runs out of file
 * descriptors. Two kinds, one node-wide instance; thread-safe:
 *
 * <ul>
 *   <li><b>Own listener</b>: a broker connection that reached one of this node's listeners (an
 *       address the configuration check could not see, e.g. a host name that resolves here). Seen
 *       at dial time from the connected socket's address; the broker is treated as failed for that
 *       client, who is redispatched.
 *   <li><b>Repeated CONNECT</b>: a loop through other nodes relays the very same CONNECT bytes back
 *       to this node, lap after lap, and no broker ever answers any of them. A CONNECT is
 *       <em>pending</em> from the moment it is routed until its broker sends a first byte (the
 *       CONNACK) or the relay closes. When {@link #MAX_IDENTICAL_PENDING} byte-identical CONNECTs
 *       are already pending, the next one is refused: a loop stops after that many laps, which
 *       closes every relay of the chain. Distinct clients send distinct CONNECTs (their client
 *       ids differ); only clients without an id that share credentials send identical ones, and
 *       they would need that many unanswered connects at once on one node to be refused.
 * </ul>
 *
 * Each kind is counted ({@link Metrics#RELAY_LOOPS}) and logged once per node at WARN.
 */
public final class LoopGuard {
  private static final Logger log = LoggerFactory.getLogger(LoopGuard.class);
  /** How many identical CONNECTs may wait for their broker's answer at once on one node. */
  static final int MAX_IDENTICAL_PENDING = 32;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final Metrics metrics;
  private final Map<Long, Integer> pending = new ConcurrentHashMap<>();
  private final List<InetSocketAddress> listening = new CopyOnWriteArrayList<>();
  private final Set<InetAddress> localAddresses = localAddresses();
  private final AtomicBoolean loggedOwnListener = new AtomicBoolean();
  private final AtomicBoolean loggedRepeated = new AtomicBoolean();

  LoopGuard(Metrics metrics) {
    this.metrics = metrics;
  }

  /** A fingerprint of a CONNECT packet's bytes (64-bit FNV-1a), never 0. */
  static long fingerprint(byte[] bytes, int offset, int length) {
    long hash = FNV_OFFSET;
    for (int i = offset, end = offset + length; i < end; i++) {
      hash = (hash ^ (bytes[i] & 0xFF)) * FNV_PRIME;
    }
    return hash == 0 ? 1 : hash;
  }

  /**
   * Counts a routed CONNECT as pending; false, counted and logged, when too many identical ones are
   * pending already (a loop): the caller refuses the client and must not call {@link #leave}.
   */
  boolean enter(long fingerprint) {
    Integer now = pending.merge(fingerprint, 1, Integer::sum);
    if (now <= MAX_IDENTICAL_PENDING) {
      return true;
    }
    leave(fingerprint);
    metrics.relayLoop(Metrics.LOOP_REPEATED_CONNECT);
    if (loggedRepeated.compareAndSet(false, true)) {
      log.warn("relay loop: the same CONNECT arrived again while {} identical ones still wait for their broker's"
          + " answer; a broker address probably leads back to this tier (through another node or a name)."
          + " Refusing the repeats (counted in {}; logged once)", MAX_IDENTICAL_PENDING, Metrics.RELAY_LOOPS);
    }
    return false;
  }

  /** The broker answered, or the relay closed: the CONNECT is no longer pending. */
  void leave(long fingerprint) {
    pending.computeIfPresent(fingerprint, (key, count) -> count == 1 ? null : count - 1);
  }

  /** How many fingerprints are pending now (for tests: it returns to 0 when relays end). */
  int pendingCount() {
    return pending.size();
  }

  /** Records an address a listener of this node bound. */
  void listening(InetSocketAddress bound) {
    listening.add(bound);
  }

  void stoppedListening(InetSocketAddress bound) {
    listening.remove(bound);
  }

  /**
   * Whether a connected broker socket's remote address is one of this node's listeners: same port,
   * and the listener's own address or, for a wildcard listener, any address of this machine.
   */
  boolean isOwnListener(InetSocketAddress remote) {
    for (InetSocketAddress own : listening) {
      if (own.getPort() != remote.getPort()) {
        continue;
      }
      InetAddress ownAddress = own.getAddress();
      InetAddress remoteAddress = remote.getAddress();
      if (ownAddress.equals(remoteAddress)
          || ownAddress.isAnyLocalAddress() && (remoteAddress.isLoopbackAddress() || localAddresses.contains(remoteAddress))) {
        return true;
      }
    }
    return false;
  }

  /** Counts and logs (once) a broker connection that reached this node itself. */
  void ownListenerReached(String brokerId, InetSocketAddress remote) {
    metrics.relayLoop(Metrics.LOOP_OWN_LISTENER);
    if (loggedOwnListener.compareAndSet(false, true)) {
      log.warn("relay loop: broker {} resolves to {}, which is this node's own listener; its clients go to the next"
          + " broker instead (counted in {}; logged once). Fix the broker's address", brokerId, remote, Metrics.RELAY_LOOPS);
    }
  }

  private static Set<InetAddress> localAddresses() {
    Set<InetAddress> addresses = new HashSet<>();
    try {
      NetworkInterface.networkInterfaces()
          .forEach(network -> network.inetAddresses().forEach(addresses::add));
    } catch (SocketException e) {
      log.debug("cannot list the network interfaces: {}", e.toString());
    }
    return Set.copyOf(addresses);
  }
}
