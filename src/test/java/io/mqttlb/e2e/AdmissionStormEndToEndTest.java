package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdmissionLimits;
import io.mqttlb.config.BrokerConfig;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.metrics.Metrics.AdmissionMeters;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.BrokerConnectLog;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.PersistentConnect;
import io.mqttlb.testing.PersistentConnect.Outcome;
import io.mqttlb.testing.PersistentConnect.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A reconnect storm against a capped tier: 2,000 persistent-session clients (half MQTT 3.1.1, half
 * MQTT 5) connect at once through one node to three Mosquitto brokers capped at 200 new connections
 * a second each (b1 and b2 by the tier's default, b3 by its own cap). Measured on the brokers, from
 * their own connection log, no broker sees more than the cap plus 10% in any one-second window;
 * every client either connects or is told "server busy", and the brokers saw exactly the clients
 * that connected.
 */
@EndToEnd
class AdmissionStormEndToEndTest {
  private static final int CLIENTS = 2000;
  private static final int CAP = 200;
  /** The cap plus 10%: a permit the limiter grants ahead, and the log reader's resolution. */
  private static final int MAX_IN_ANY_SECOND = CAP + CAP / 10;
  private static final String PREFIX = "storm-";
  private static final Duration STORM_TIMEOUT = Duration.ofSeconds(60);

  @Test
  void theBrokersSeeAtMostTheCapAndEveryClientConnectsOrHearsServerBusy() throws Exception {
    try (LocalTier tier = LocalTier.start(3, MosquittoBroker::startLoggingConnects, config -> config
        .withBrokers(config.brokers().stream()
            .map(b -> b.id().equals("b3") ? b.withMaxConnectRate(CAP) : b).toList())
        .withLimits(config.limits().withAdmission(new AdmissionLimits(CAP, Duration.ofSeconds(2), 300))))) {
      Map<String, BrokerConnectLog> logs = new TreeMap<>();
      tier.brokers.forEach(broker -> logs.put(broker.id(), BrokerConnectLog.follow(broker)));
      List<PersistentConnect> clients = new ArrayList<>();
      try {
        for (int i = 0; i < CLIENTS; i++) {
          clients.add(PersistentConnect.client(PREFIX + i, tier.port(), i % 2 == 1));
        }
        List<CompletableFuture<Result>> connects = new ArrayList<>();
        long start = System.nanoTime();
        for (PersistentConnect client : clients) {
          connects.add(client.connect());
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new))
            .get(STORM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        double stormSeconds = (System.nanoTime() - start) / 1e9;
        List<Result> results = connects.stream().map(CompletableFuture::join).toList();

        Map<Outcome, List<Result>> byOutcome = results.stream().collect(Collectors.groupingBy(Result::outcome));
        List<Result> lost = byOutcome.getOrDefault(Outcome.OTHER, List.of());
        assertEquals(List.of(), lost.subList(0, Math.min(10, lost.size())), lost.size() + " clients got neither"
            + " a connection nor server busy (the first ten shown)");
        Set<String> connected = ids(byOutcome.getOrDefault(Outcome.CONNECTED, List.of()));
        Set<String> busy = ids(byOutcome.getOrDefault(Outcome.BUSY, List.of()));
        assertEquals(CLIENTS, connected.size() + busy.size());

        // What the brokers saw: every connected client once, no busy one.
        Await.until("the brokers' logs show every connected client",
            () -> logs.values().stream().mapToInt(log -> log.connects(PREFIX).size()).sum() >= connected.size());
        Set<String> seenByBrokers = new HashSet<>();
        for (BrokerConnectLog log : logs.values()) {
          log.connects(PREFIX).forEach(c -> assertTrue(seenByBrokers.add(c.clientId()), "connected twice: " + c));
        }
        assertEquals(connected, seenByBrokers);

        // The node's own account agrees with the clients'.
        double admitted = 0;
        double refused = 0;
        for (BrokerConfig broker : tier.node.config().brokers()) {
          AdmissionMeters meters = tier.node.metrics().admission(broker.id());
          admitted += meters.admittedCount();
          refused += meters.refusedCount(Metrics.ADMISSION_QUEUE_FULL) + meters.refusedCount(Metrics.ADMISSION_WAIT_EXPIRED);
          assertEquals(0, meters.waiting(), broker.id() + ": nobody left waiting");
        }
        assertEquals(connected.size(), admitted);
        assertEquals(busy.size(), refused);

        StringBuilder rates = new StringBuilder();
        for (Map.Entry<String, BrokerConnectLog> entry : logs.entrySet()) {
          List<BrokerConnectLog.Connect> seen = entry.getValue().connects(PREFIX);
          int peak = BrokerConnectLog.maxInWindow(seen, TimeUnit.SECONDS.toNanos(1));
          rates.append(String.format(" %s: %d connects, at most %d in one second;", entry.getKey(), seen.size(), peak));
          assertTrue(peak <= MAX_IN_ANY_SECOND, entry.getKey() + " saw " + peak + " connects within one second");
        }
        System.out.printf("storm of %d clients over %.1f s: %d connected, %d busy;%s%n", CLIENTS, stormSeconds,
            connected.size(), busy.size(), rates);
      } finally {
        CompletableFuture.allOf(clients.stream().map(PersistentConnect::disconnect).toArray(CompletableFuture[]::new))
            .get(30, TimeUnit.SECONDS);
        logs.values().forEach(BrokerConnectLog::close);
      }
    }
  }

  private static Set<String> ids(List<Result> results) {
    return results.stream().map(Result::clientId).collect(Collectors.toSet());
  }
}
