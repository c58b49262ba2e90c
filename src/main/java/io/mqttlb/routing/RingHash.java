package io.mqttlb.routing;

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
 * <p>Computed by {@link Murmur3}, which gives Guava's values without allocating; Guava
 * remains the reference the tests compare with.
 *
 * <p>Stateless and thread-safe; {@link #hashKey(String)} and {@link #hashKey(byte[], int, int)}
 * allocate nothing.
 */
public final class RingHash {

  private RingHash() {}

  /** Hash of a routing key (client id, user name or source address). */
  public static long hashKey(String routingKey) {
    return Murmur3.hashUtf8Of(routingKey);
  }

  /**
   * Hash of a routing key given as UTF-8 bytes, e.g. straight from a CONNECT buffer: equal to
   * {@code hashKey(s)} whenever the bytes are {@code s.getBytes(UTF_8)}, i.e. for any well-formed
   * UTF-8. Malformed bytes are hashed as they are, whereas decoding them to a {@code String} first
   * would replace them and give another hash.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code utf8}
   */
  public static long hashKey(byte[] utf8, int offset, int length) {
    return Murmur3.hash(utf8, offset, length);
  }

  /**
   * Hash of the {@code i}-th virtual node of a broker: the {@link #hashKey(String)} of {@code
   * brokerId + "#" + i}, so that points and keys share one hash space.
   */
  public static long hashPoint(String brokerId, int i) {
    return hashKey(brokerId + "#" + i);
  }
}
