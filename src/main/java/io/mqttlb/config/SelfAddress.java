package io.mqttlb.config;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells whether a broker address is one of this node's own MQTT listeners. A broker there would have
 * the node relay each client to itself, which relays it to itself again, until the connection limit
 * is reached; so the configuration loader and the admin API refuse such a broker.
 *
 * <p>{@code host:port} reaches a listener when the port is the listener's and
 * <ul>
 *   <li>the listener binds a specific address (or a name) and the host resolves to that address,
 *       e.g. listener {@code 127.0.0.1:1883} and broker {@code localhost:1883}; or
 *   <li>the listener binds a wildcard and the host resolves to a loopback address or an address of a
 *       local interface: {@code 0.0.0.0} takes IPv4 connections only, {@code ::} both families. For
 *       listener {@code 0.0.0.0:1883}: {@code 127.0.0.5:1883} and {@code <this host's LAN
 *       address>:1883} loop, {@code [::1]:1883} and {@code 10.9.9.9:1883} (another host) do not.
 * </ul>
 * A connect to a wildcard address goes to the loopback address of its family, so a broker written
 * {@code 0.0.0.0:1883} counts as {@code 127.0.0.1:1883}.
 *
 * <p>Names are resolved only for a broker whose port is one of the listeners' ports, each lookup
 * waits at most {@link #LOOKUP_TIMEOUT}, and a name that does not resolve (or not in time) is not a
 * loop this check can see: a file naming brokers that only resolve where the node will run still
 * loads. Listeners on port 0 take an ephemeral port; give the port they bound ({@link Listener}),
 * or leave them out when it is not known yet.
 *
 * <p>Immutable and thread-safe; {@link #listenerAt} may block on name lookups, so call it off event loops.
 */
public final class SelfAddress {
  /** How long one name lookup may take before the name counts as unresolved. */
  public static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  /** A listener as bound: its name (for messages), its host as configured and its actual port. */
  public record Listener(String name, String host, int port) {
    public Listener {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(host, "host");
    }

    /** {@code host:port}, IPv6 in brackets. */
    public String address() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** Name resolution; the system resolver unless a test gives its own. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  public static final Resolver SYSTEM_RESOLVER = host -> List.of(InetAddress.getAllByName(host));

  private final List<Listener> listeners;
  private final Resolver resolver;
  private final Duration lookupTimeout;

  SelfAddress(List<Listener> listeners, Resolver resolver, Duration lookupTimeout) {
    this.listeners = List.copyOf(listeners);
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.lookupTimeout = Objects.requireNonNull(lookupTimeout, "lookupTimeout");
  }

  /** The check against these bound listeners, with the system resolver. */
  public static SelfAddress of(List<Listener> listeners) {
    return new SelfAddress(listeners, SYSTEM_RESOLVER, LOOKUP_TIMEOUT);
  }

  /** As {@link #of(List)}, resolving names with {@code resolver}. */
  public static SelfAddress of(List<Listener> listeners, Resolver resolver) {
    return new SelfAddress(listeners, resolver, LOOKUP_TIMEOUT);
  }

  /** The configured listeners with their configured ports; those on port 0 are left out (their port is not known yet). */
  public static List<Listener> configured(List<ListenerConfig> listeners) {
    List<Listener> known = new ArrayList<>();
    for (ListenerConfig listener : listeners) {
      if (listener.port() != 0) {
        known.add(new Listener(listener.name(), listener.host(), listener.port()));
      }
    }
    return known;
  }

  /** The listener that a connect to {@code host:port} would reach, when this node can tell. */
  public Optional<Listener> listenerAt(String host, int port) {
    List<InetAddress> targets = null; // resolved once, and only when a listener has this port
    for (Listener listener : listeners) {
      if (listener.port() != port) {
        continue;
      }
      if (listener.host().equalsIgnoreCase(host)) {
        return Optional.of(listener);
      }
      if (targets == null) {
        targets = connectTargets(host);
      }
      if (reaches(targets, listener)) {
        return Optional.of(listener);
      }
    }
    return Optional.empty();
  }

  /**
   * Why {@code broker} must be refused, for a configuration or API error message; empty when its
   * address is not one of this node's listeners.
   */
  public Optional<String> loopProblem(BrokerConfig broker) {
    return listenerAt(broker.host(), broker.port()).map(listener -> Require.quote(broker.address())
        + " is this node's own listener '" + listener.name() + "' (" + listener.address()
        + "): the node would relay its clients to itself");
  }

  private boolean reaches(List<InetAddress> targets, Listener listener) {
    List<InetAddress> bound = lookup(listener.host());
    for (InetAddress address : bound) {
      for (InetAddress target : targets) {
        if (address.isAnyLocalAddress() ? wildcardTakes(address, target) : address.equals(target)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a listener bound to this wildcard accepts a connect to {@code target}. */
  private static boolean wildcardTakes(InetAddress wildcard, InetAddress target) {
    if (wildcard instanceof Inet4Address && !(target instanceof Inet4Address)) {
      return false; // 0.0.0.0 is bound on IPv4 only; :: is dual-stack
    }
    return target.isLoopbackAddress() || isLocalInterface(target);
  }

  private static boolean isLocalInterface(InetAddress address) {
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false; // cannot tell: not a loop we can see
    }
  }

  /** Where a connect to {@code host} goes: its addresses, a wildcard replaced by the loopback address. */
  private List<InetAddress> connectTargets(String host) {
    List<InetAddress> targets = new ArrayList<>();
    for (InetAddress address : lookup(host)) {
      if (address.isAnyLocalAddress()) {
        targets.add(address instanceof Inet6Address ? InetAddresses.forString("::1") : InetAddresses.forString("127.0.0.1"));
      } else {
        targets.add(address);
      }
    }
    return targets;
  }

  /** The addresses of a host: an IP literal at once, a name within the lookup timeout, or none. */
  private List<InetAddress> lookup(String host) {
    if (InetAddresses.isInetAddress(host)) {
      return List.of(InetAddresses.forString(host));
    }
    // A resolver can hang for the whole DNS retry schedule; its thread is a daemon and is left to finish alone.
    CompletableFuture<List<InetAddress>> lookup = CompletableFuture.supplyAsync(() -> {
      try {
        return resolver.resolve(host);
      } catch (UnknownHostException e) {
        return List.of();
      }
    }, task -> {
      Thread thread = new Thread(task, "mqttlb-self-address-lookup");
      thread.setDaemon(true);
      thread.start();
    });
    try {
      return lookup.get(lookupTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
