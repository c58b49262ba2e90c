package io.mqttlb.health;

import io.mqttlb.config.ProxyProtocol;
import io.mqttlb.health.ProbePackets.Answer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Up when the broker answers an MQTT 3.1.1 CONNECT with a CONNACK within the timeout (counted from
 * the start of the TCP connect), unless the CONNACK says "server unavailable"; see
 * {@link ProbePackets.Answer} for each answer. After a CONNACK the probe sends DISCONNECT and
 * closes; in every other case it just closes. A port that accepts connections but whose broker
 * never answers (hung, overloaded, a stray process) is down: the TCP probe would call it up. For a
 * broker that expects a PROXY protocol header, the header goes first, in the same write as the CONNECT.
 */
final class MqttProbe implements Probe {
  private final Vertx vertx;
  private final NetClient client;
  private final Duration timeout;
  /** What the probe writes first, by {@link ProxyProtocol#ordinal()}: the PROXY header (if any) and the CONNECT. */
  private final Buffer[] openings;

  MqttProbe(Vertx vertx, NetClient client, String clientId, Duration timeout) {
    this.vertx = vertx;
    this.client = client;
    this.timeout = timeout;
    byte[] connect = ProbePackets.connect(clientId);
    this.openings = new Buffer[ProxyProtocol.values().length];
    for (ProxyProtocol version : ProxyProtocol.values()) {
      openings[version.ordinal()] = Buffer.buffer(ProbeProxyHeader.of(version)).appendBytes(connect);
    }
  }

  @Override
  public Future<Void> check(String host, int port, ProxyProtocol proxyHeader) {
    Attempt attempt = new Attempt(openings[proxyHeader.ordinal()]);
    attempt.timer = vertx.setTimer(timeout.toMillis(), id -> attempt.fail("no CONNACK within " + timeout.toMillis() + " ms"));
    client.connect(port, host).onComplete(ar -> {
      if (ar.failed()) {
        attempt.fail("connect: " + ar.cause().getMessage());
      } else {
        attempt.connected(ar.result());
      }
    });
    return attempt.result.future();
  }

  /** One check; confined to the caller's context. */
  private final class Attempt {
    final Buffer opening;
    final Promise<Void> result = Promise.promise();
    final byte[] received = new byte[ProbePackets.CONNACK_LENGTH];
    int length;
    long timer;
    NetSocket socket;

    Attempt(Buffer opening) {
      this.opening = opening;
    }

    void connected(NetSocket socket) {
      this.socket = socket;
      if (result.future().isComplete()) {
        socket.close(); // timed out while connecting
        return;
      }
      socket.handler(this::onBytes);
      socket.closeHandler(v -> fail("connection closed before a CONNACK"));
      socket.exceptionHandler(e -> fail(e.toString()));
      socket.write(opening);
    }

    void onBytes(Buffer data) {
      if (result.future().isComplete()) {
        return;
      }
      int take = Math.min(data.length(), received.length - length);
      data.getBytes(0, take, received, length);
      length += take;
      Answer answer = ProbePackets.readConnack(received, length);
      switch (answer) {
        case NEED_MORE -> { }
        case ACCEPTED, REFUSED_BUT_ANSWERING -> {
          vertx.cancelTimer(timer);
          result.tryComplete();
          socket.write(Buffer.buffer(ProbePackets.DISCONNECT)).onComplete(v -> socket.close());
        }
        case SERVER_UNAVAILABLE -> fail("CONNACK: server unavailable");
        case NOT_MQTT -> fail("not an MQTT CONNACK: " + HexFormat.of().formatHex(received, 0, length));
      }
    }

    void fail(String reason) {
      vertx.cancelTimer(timer);
      if (result.tryFail(reason) && socket != null) {
        socket.close();
      }
    }
  }
}
