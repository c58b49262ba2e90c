package io.mqttlb.cluster;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.replicatedmap.impl.ReplicatedMapService;
import com.hazelcast.replicatedmap.impl.operation.PutOperation;
import com.hazelcast.spi.impl.AbstractDistributedObject;
import com.hazelcast.spi.impl.NodeEngine;
import com.hazelcast.spi.impl.operationservice.impl.InvocationFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts a batch of entries with TTLs into a {@link ReplicatedMap} with all their operations in flight
 * at once, then waits for them all: what {@code ReplicatedMap.put(key, value, ttl, unit)} does for
 * one entry (the same operation, the same TTL handling, the same replication to the other members),
 * without the caller's thread parking and waking once per entry. {@code putAll} overlaps its
 * operations the same way but takes no TTL.
 *
 * <p>Measured on two members in one JVM ({@code StickyWriteCost}): a put one at a time costs the
 * tier about five times the CPU of an entry of such a batch; the replication itself stays one
 * operation per entry and member.
 *
 * <p>This reaches into Hazelcast's operation layer (public classes of its implementation packages,
 * stable through 5.x); {@link #of} answers null for a map proxy of another kind, and the caller then
 * falls back to plain puts. Not thread-safe per call; calls may run concurrently.
 */
final class PipelinedPuts {
  /** Operations in flight at most: bounds the invocations this adds to the member's registry. */
  static final int MAX_IN_FLIGHT = 256;

  private final String name;
  private final NodeEngine nodeEngine;

  private PipelinedPuts(String name, NodeEngine nodeEngine) {
    this.name = name;
    this.nodeEngine = nodeEngine;
  }

  /** The pipeline for this map, or null when its proxy is not one this class can drive. */
  static PipelinedPuts of(ReplicatedMap<String, String> map) {
    if (map instanceof AbstractDistributedObject<?> proxy) {
      return new PipelinedPuts(map.getName(), proxy.getNodeEngine());
    }
    return null;
  }

  /** Writes every entry; returns when all are written, or throws the first failure after waiting for the rest. */
  void putAll(List<SharedMap.TimedPut> puts) {
    List<InvocationFuture<Object>> inFlight = new ArrayList<>(Math.min(puts.size(), MAX_IN_FLIGHT));
    RuntimeException failure = null;
    for (SharedMap.TimedPut put : puts) {
      Data key = nodeEngine.toData(put.key());
      Data value = nodeEngine.toData(put.value());
      int partition = nodeEngine.getPartitionService().getPartitionId(key);
      PutOperation operation = new PutOperation(name, key, value, Math.max(1, put.ttlMillis()));
      inFlight.add(nodeEngine.getOperationService().invokeOnPartition(ReplicatedMapService.SERVICE_NAME, operation,
          partition));
      if (inFlight.size() == MAX_IN_FLIGHT) {
        failure = await(inFlight, failure);
      }
    }
    failure = await(inFlight, failure);
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException await(List<InvocationFuture<Object>> inFlight, RuntimeException failure) {
    for (InvocationFuture<Object> future : inFlight) {
      try {
        future.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        if (failure == null) {
          failure = new IllegalStateException("a sticky write failed: " + e, e);
        }
      }
    }
    inFlight.clear();
    return failure;
  }
}
