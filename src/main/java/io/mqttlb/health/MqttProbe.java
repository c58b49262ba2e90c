package io.mqttlb.health;

import io.mqttlb.config.BrokerConfig;
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
 * broker that expects a PROXY protocol header, the header goes first, in the same write as the
 * CONNECT; for a broker with TLS settings, the header goes first in the clear, then the TLS
 * handshake ({@link ProbeTls}), then the CONNECT.
 */
final class MqttProbe implements Probe {
  private final Vertx vertx;
  private final NetClient client;
  private final Duration timeout;
  private final ProbeTls tls;
  private final Buffer connect;
  /** The PROXY header a probe writes first, by {@link ProxyProtocol#ordinal()}. */
  private final Buffer[] headers;
  /** The header and the CONNECT in one write, by {@link ProxyProtocol#ordinal()}: what a plain-TCP probe sends. */
  private final Buffer[] openings;

  MqttProbe(Vertx vertx, NetClient client, String clientId, Duration timeout, ProbeTls tls) {
    this.vertx = vertx;
    this.client = client;
    this.timeout = timeout;
    this.tls = tls;
    this.connect = Buffer.buffer(ProbePackets.connect(clientId));
    this.headers = new Buffer[ProxyProtocol.values().length];
    this.openings = new Buffer[ProxyProtocol.values().length];
    for (ProxyProtocol version : ProxyProtocol.values()) {
      headers[version.ordinal()] = Buffer.buffer(ProbeProxyHeader.of(version));
      openings[version.ordinal()] = headers[version.ordinal()].copy().appendBuffer(connect);
    }
  }

  @Override
  public Future<Void> check(BrokerConfig broker) {
    Attempt attempt = new Attempt(broker);
    attempt.timer = vertx.setTimer(timeout.toMillis(), id -> attempt.fail("no CONNACK within " + timeout.toMillis() + " ms"));
    client.connect(broker.port(), broker.host()).onComplete(ar -> {
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
    final BrokerConfig broker;
    final Promise<Void> result = Promise.promise();
    final byte[] received = new byte[ProbePackets.CONNACK_LENGTH];
    int length;
    long timer;
    NetSocket socket;
    /** While TLS is being set up, its own outcome explains a close or an error best. */
    boolean securing;

    Attempt(BrokerConfig broker) {
      this.broker = broker;
    }

    void connected(NetSocket socket) {
      this.socket = socket;
      if (result.future().isComplete()) {
        socket.close(); // timed out while connecting
        return;
      }
      socket.handler(this::onBytes);
      socket.closeHandler(v -> {
        if (!securing) {
          fail("connection closed before a CONNACK");
        }
      });
      socket.exceptionHandler(e -> {
        if (!securing) {
          fail(e.toString());
        }
      });
      int proxy = broker.sendProxyProtocol().ordinal();
      if (broker.tls() == null) {
        socket.write(openings[proxy]);
        return;
      }
      if (headers[proxy].length() > 0) {
        socket.write(headers[proxy]);
      }
      securing = true;
      tls.secure(socket, broker).onComplete(secured -> {
        securing = false;
        if (secured.failed()) {
          fail(secured.cause().getMessage());
        } else if (!result.future().isComplete()) {
          socket.write(connect);
        }
      });
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
