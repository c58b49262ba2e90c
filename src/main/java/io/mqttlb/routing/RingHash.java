package io.mqttlb.routing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;

/**
 * The one fixed hash of mqttlb: Guava's {@code murmur3_128} with seed 0, over the UTF-8 bytes of a
 * string, keeping the first 64 bits ({@link com.google.common.hash.HashCode#asLong()}, i.e. the
 * little-endian {@code h1} half of MurmurHash3_x64_128).
 *
 * <p>Every balancer node must map the same routing key to the same point on every JVM, so this is
 * deliberately a seeded-once, documented function and never {@code Hashing.goodFastHash}, whose
 * seed changes per JVM. {@code RingHashGoldenTest} pins its values: if a dependency bump ever
 * changed them, clients would silently move to other brokers and lose their sessions.
 *
 * <p>Stateless and thread-safe.
 */
public final class RingHash {

  private static final HashFunction MURMUR3_128_SEED_0 = Hashing.murmur3_128(0);

  private RingHash() {}

  /** Hash of a routing key (client id, user name or source address). */
  public static long hashKey(String routingKey) {
    return MURMUR3_128_SEED_0.hashString(routingKey, UTF_8).asLong();
  }

  /**
   * Hash of the {@code i}-th virtual node of a broker: the {@link #hashKey} of {@code brokerId +
   * "#" + i}, so that points and keys share one hash space.
   */
  public static long hashPoint(String brokerId, int i) {
    return hashKey(brokerId + "#" + i);
  }
}
