package io.mqttlb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fleet without a balancer, against one Mosquitto (and a scripted server for a DISCONNECT with
 * a reason code, which Mosquitto does not send on a session takeover): what it records when a
 * broker dies and returns, when a server asks a client to use another server, and when the test
 * itself reconnects.
 */
@EndToEnd
class FleetTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void recordsTheReasonCodeOfAServerDisconnectAndReconnectsThroughTheNextPort() throws Exception {
    try (MosquittoBroker broker = MosquittoBroker.start("m1");
         ServerSocket sender = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // A server that accepts one MQTT 5 client, reads its SUBSCRIBE, then asks it to use another server.
      Thread server = new Thread(() -> {
        try (Socket socket = sender.accept()) {
          InputStream in = socket.getInputStream();
          OutputStream out = socket.getOutputStream();
          readPacket(in); // CONNECT
          out.write(new byte[] {0x20, 0x03, 0x00, 0x00, 0x00}); // CONNACK: no session, success, no properties
          readPacket(in); // SUBSCRIBE
          out.write(new byte[] {(byte) 0xE0, 0x02, (byte) Fleet.USE_ANOTHER_SERVER, 0x00});
          out.flush();
          in.read(); // until the client closes
        } catch (IOException ignored) {
          // the test's assertions tell what went wrong
        }
      }, "fake-mqtt5-server");
      server.start();
      // Position 1 speaks MQTT 5 and starts at port 1 (the sender); its next port is Mosquitto.
      try (Fleet fleet = Fleet.connect(List.of("fleet-v3", "fleet-v5"), List.of(broker.port(), sender.getLocalPort()))) {
        fleet.awaitAllConnected(TIMEOUT);
        List<Fleet.Disconnect> disconnects = fleet.disconnects("fleet-v5");
        assertEquals(1, disconnects.size(), disconnects.toString());
        assertEquals(Fleet.USE_ANOTHER_SERVER, disconnects.get(0).reasonCode(), disconnects.toString());
        assertEquals("m1", fleet.brokerOf("fleet-v5"));
        assertTrue(fleet.disconnects("fleet-v3").isEmpty());
      }
      server.join(5000);
    }
  }

  private static void readPacket(InputStream in) throws IOException {
    in.read(); // fixed header
    int length = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.read();
      length |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    in.readNBytes(length);
  }

  @Test
  void recordsLandingsAndDisconnectsWhenABrokerDiesAndReturns() throws Exception {
    try (MosquittoBroker broker = MosquittoBroker.start("m1")) {
      List<String> ids = List.of("fleet-a", "fleet-b", "fleet-c", "fleet-d");
      try (Fleet fleet = Fleet.connect(ids, List.of(broker.port(), broker.port()))) {
        fleet.awaitAllConnected(TIMEOUT);
        assertEquals(Map.of("m1", 4), fleet.distribution());
        assertTrue(fleet.isMqtt5("fleet-b") && !fleet.isMqtt5("fleet-a"), "odd positions speak MQTT 5");

        // A killed broker: every client records one disconnect without a reason code, then lands again.
        long killed = System.nanoTime();
        broker.kill();
        Await.until("every client saw the kill", () -> fleet.disconnectedSince(killed).size() == ids.size());
        broker.restart();
        fleet.awaitAllConnected(TIMEOUT);
        for (String id : ids) {
          List<Fleet.Disconnect> disconnects = fleet.disconnectsSince(id, killed);
          assertEquals(1, disconnects.size(), id + ": " + disconnects);
          assertNull(disconnects.get(0).reasonCode(), id + ": a broken connection has no reason code");
          assertTrue(fleet.firstLandingSince(id, killed, "m1") != null, id + " landed again: " + fleet.landings(id));
        }
        assertEquals(1, fleet.disconnectTimes(ids, killed).size() / ids.size());

        // The test's own reconnects are not disconnects.
        long bounced = System.nanoTime();
        fleet.bounce(List.of("fleet-a", "fleet-d"));
        fleet.awaitAllConnected(TIMEOUT);
        assertTrue(fleet.disconnectedSince(bounced).isEmpty(), "bounces are not counted");
        assertTrue(fleet.firstLandingSince("fleet-a", bounced, "m1") != null, "fleet-a read its marker again");
      }
    }
  }
}
