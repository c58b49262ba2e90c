package io.mqttlb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.config.AdmissionLimits;
import io.mqttlb.metrics.Metrics;
import io.mqttlb.metrics.Metrics.AdmissionMeters;
import io.mqttlb.testing.Await;
import io.mqttlb.testing.BrokerConnectLog;
import io.mqttlb.testing.EndToEnd;
import io.mqttlb.testing.MosquittoBroker;
import io.mqttlb.testing.PersistentConnect;
import io.mqttlb.testing.PersistentConnect.Outcome;
import io.mqttlb.testing.PersistentConnect.Result;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What clients of a capped broker see, with a cap of one new connection a second (one real
 * Mosquitto broker that logs every client it accepts, one node): after a first client, the next
 * ones within that second are over the cap. A test that needs the cap's second still running when
 * its client arrives tries again with a fresh client if the machine was too slow for that (the client
 * then simply connected), so a slow machine cannot fail it; every client's outcome is checked.
 */
@EndToEnd
class AdmissionEndToEndTest {
  private static final int ONE_PER_SECOND = 1;
  private static final int ATTEMPTS = 10;

  private static LocalTier tier(int queue, Duration wait) throws Exception {
    return LocalTier.start(1, MosquittoBroker::startLoggingConnects, config -> config
        .withLimits(config.limits().withAdmission(new AdmissionLimits(ONE_PER_SECOND, wait, queue))));
  }

  @Test
  void withNoRoomToWaitClientsOverTheCapHearServerBusyInTheirProtocolAndNeverReachTheBroker() throws Exception {
    try (LocalTier tier = tier(0, AdmissionLimits.DEFAULT_WAIT);
         BrokerConnectLog log = BrokerConnectLog.follow(tier.broker("b1"))) {
      List<PersistentConnect> connected = new ArrayList<>();
      try {
        assertEquals(Outcome.CONNECTED, connect(tier, "first", true, connected).outcome(), "the first passes at once");
        Result busy5 = firstBusy(tier, "busy-five-", true, connected);
        Result busy3 = firstBusy(tier, "busy-three-", false, connected);
        assertEquals("server busy", busy5.detail(), "MQTT 5: CONNACK 0x89");
        assertEquals("server unavailable", busy3.detail(), "MQTT 3.1.1 has no busy code: CONNACK 0x03");

        AdmissionMeters meters = tier.node.metrics().admission("b1");
        assertEquals(2.0, meters.refusedCount(Metrics.ADMISSION_QUEUE_FULL));
        assertEquals(0.0, meters.refusedCount(Metrics.ADMISSION_WAIT_EXPIRED));
        assertEquals(connected.size(), meters.admittedCount());
        assertEquals(2.0, tier.node.metrics().rejectedCount(Metrics.REASON_ADMISSION_QUEUE_FULL));
        assertBrokerSawOnly(log, connected, Set.of(busy5.clientId(), busy3.clientId()));
        awaitPlacedOnly(tier, connected);
      } finally {
        connected.forEach(client -> client.disconnect().join());
      }
    }
  }

  @Test
  void aClientThatWaitedItsTimeHearsServerBusy() throws Exception {
    try (LocalTier tier = tier(10, Duration.ofMillis(200));
         BrokerConnectLog log = BrokerConnectLog.follow(tier.broker("b1"))) {
      List<PersistentConnect> connected = new ArrayList<>();
      try {
        connect(tier, "first", true, connected);
        Result busy = firstBusy(tier, "impatient-", true, connected);

        AdmissionMeters meters = tier.node.metrics().admission("b1");
        assertEquals(1.0, meters.refusedCount(Metrics.ADMISSION_WAIT_EXPIRED));
        assertEquals(0.0, meters.refusedCount(Metrics.ADMISSION_QUEUE_FULL));
        assertEquals(1.0, tier.node.metrics().rejectedCount(Metrics.REASON_ADMISSION_WAIT_EXPIRED));
        assertEquals(0, meters.waiting());
        assertBrokerSawOnly(log, connected, Set.of(busy.clientId()));
        awaitPlacedOnly(tier, connected);
      } finally {
        connected.forEach(client -> client.disconnect().join());
      }
    }
  }

  /**
   * A client that leaves while it waits is never dialled and gives its place up: the client behind
   * it gets the next permit. Were the leaver still queued, it would be dialled first and the broker
   * would log it.
   */
  @Test
  void aWaitingClientThatLeavesNeverReachesTheBroker() throws Exception {
    try (LocalTier tier = tier(10, AdmissionLimits.DEFAULT_WAIT);
         BrokerConnectLog log = BrokerConnectLog.follow(tier.broker("b1"))) {
      List<PersistentConnect> connected = new ArrayList<>();
      AdmissionMeters meters = tier.node.metrics().admission("b1");
      try {
        connect(tier, "first", true, connected);
        String leaver = null;
        int admittedLeavers = 0;
        for (int attempt = 0; attempt < ATTEMPTS && leaver == null; attempt++) {
          try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tier.port())) {
            socket.getOutputStream().write(connect311("leaver-" + attempt));
            if (waitsOrIsAnswered(socket, meters)) {
              leaver = "leaver-" + attempt;
            } else {
              admittedLeavers++; // the cap's second had passed: it connected, and took the permit
            }
          } // closed while it waits
        }
        assertTrue(leaver != null, "no client had to wait in " + ATTEMPTS + " attempts");
        Await.until("the leaver's place is free", () -> meters.waiting() == 0);

        assertEquals(Outcome.CONNECTED, connect(tier, "after", false, connected).outcome());
        assertEquals(connected.size() + admittedLeavers, meters.admittedCount());
        assertBrokerSawOnly(log, connected, Set.of(leaver)); // "after" was dialled after where the leaver stood
        awaitPlacedOnly(tier, connected);
      } finally {
        connected.forEach(client -> client.disconnect().join());
      }
    }
  }

  /**
   * The clients least-loaded routing counts on b1 are the connected ones: a client counts from its routing, its wait
   * included, and stops counting when it is refused, expires or leaves.
   */
  private static void awaitPlacedOnly(LocalTier tier, List<PersistentConnect> connected) throws InterruptedException {
    Await.until("b1's placed clients are the " + connected.size() + " connected",
        () -> tier.node.metrics().broker("b1").placed() == connected.size());
  }

  private static Result connect(LocalTier tier, String id, boolean mqtt5, List<PersistentConnect> connected) {
    PersistentConnect client = PersistentConnect.client(id, tier.port(), mqtt5);
    Result result = client.connect().orTimeout(30, TimeUnit.SECONDS).join();
    if (result.outcome() == Outcome.CONNECTED) {
      connected.add(client);
    }
    return result;
  }

  /** Connects fresh clients until one hears "server busy"; each one either connects or hears it. */
  private static Result firstBusy(LocalTier tier, String prefix, boolean mqtt5, List<PersistentConnect> connected) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Result result = connect(tier, prefix + attempt, mqtt5, connected);
      assertTrue(result.outcome() != Outcome.OTHER, result.toString());
      if (result.outcome() == Outcome.BUSY) {
        return result;
      }
    }
    throw new AssertionError("no client heard server busy in " + ATTEMPTS + " attempts");
  }

  /** True once the raw client waits for admission, false if it was answered (admitted) instead. */
  private static boolean waitsOrIsAnswered(Socket socket, AdmissionMeters meters) throws Exception {
    InputStream in = socket.getInputStream();
    long deadline = System.nanoTime() + Await.DEFAULT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (meters.waiting() == 1) {
        return true;
      }
      if (in.available() > 0) {
        return false;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the raw client neither waits nor was answered");
  }

  /**
   * The broker accepted the connected clients, and none of {@code never}: since a client is logged
   * before its CONNACK, and clients were connected one after the other, a client of {@code never}
   * dialled at all would be logged by then.
   */
  private static void assertBrokerSawOnly(BrokerConnectLog log, List<PersistentConnect> connected, Set<String> never)
      throws Exception {
    Set<String> expected = connected.stream().map(PersistentConnect::clientId).collect(Collectors.toSet());
    Await.until("the broker logged " + expected, () -> ids(log).containsAll(expected));
    Set<String> seen = ids(log);
    for (String id : never) {
      assertFalse(seen.contains(id), id + " reached the broker: " + seen);
    }
  }

  private static Set<String> ids(BrokerConnectLog log) {
    return log.connects("").stream().map(BrokerConnectLog.Connect::clientId).collect(Collectors.toSet());
  }

  /** An MQTT 3.1.1 CONNECT: clean session, keep-alive 60 s. */
  private static byte[] connect311(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.write(0x10);
    packet.write(10 + 2 + id.length); // remaining length, under 128
    packet.writeBytes(HexFormat.of().parseHex("00044d51545404" + "02" + "003c"));
    packet.write(id.length >>> 8);
    packet.write(id.length);
    packet.writeBytes(id);
    return packet.toByteArray();
  }
}
