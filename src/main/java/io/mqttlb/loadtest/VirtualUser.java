package io.mqttlb.loadtest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One virtual user: an asynchronous state machine walking its scenario's steps. It holds no
 * thread; every event (a step's completion, a timer, a message, a lost connection) runs on the
 * user's own {@link SerialExecutor}, so its fields need no locks. A callback from an earlier step
 * that arrives late is recognised by its {@code token} and ignored.
 *
 * <p>A connect that fails ends the user (later steps need the connection); other failures are
 * counted and the user goes on. After every connect the user learns its broker as the run's
 * {@link StickinessMethod} says: the retained marker on the marker topic, or the broker's
 * connection event (both awaited before the next step), or, without naming the broker, CONNACK's
 * session-present flag. A reconnect is counted only when it can be told sticky or moved; a
 * missing marker or event is a warning for the run, not a failure of the user.
 */
final class VirtualUser {
  private static final int MAX_UNMATCHED = 10_000;

  private final RunContext run;
  private final Scenario scenario;
  private final List<Step> steps;
  private final int number;
  private final String clientId;
  private final SerialExecutor serial;
  private final Runnable onFinish;

  private int targetIndex;
  private int next;
  private long token;
  private boolean finished;
  private MqttConnection connection;
  private boolean connected;
  private Step.Connect lastConnect = new Step.Connect(true, Duration.ZERO, Step.Connect.DEFAULT_KEEP_ALIVE);
  private String broker;
  private String lastKnownBroker;
  private boolean awaitingBroker;
  /** Whether the previous connection left a session that this user's next connect should find. */
  private boolean sessionExpected;
  private int maxSubscribedQos = -1;
  private final ArrayDeque<String> unmatched = new ArrayDeque<>();
  private PendingExpect pending;
  private int publishesOutstanding;
  private RecentMessageIds received;

  private static final class PendingExpect {
    final String filter;
    int remaining;

    PendingExpect(String filter, int remaining) {
      this.filter = filter;
      this.remaining = remaining;
    }
  }

  VirtualUser(RunContext run, Scenario scenario, List<Step> flatSteps, int number, Runnable onFinish) {
    this.run = run;
    this.scenario = scenario;
    this.steps = flatSteps;
    this.number = number;
    this.clientId = scenario.clientId(number);
    this.targetIndex = number % run.targets().size();
    this.onFinish = onFinish;
    this.serial = new SerialExecutor(run.pool(), this::engineError);
  }

  /** The steps with every {@code repeat} unrolled, so a user only needs an index. */
  static List<Step> flatten(List<Step> steps) {
    List<Step> flat = new ArrayList<>();
    for (Step step : steps) {
      if (step instanceof Step.Repeat repeat) {
        List<Step> body = flatten(repeat.steps());
        for (int i = 0; i < repeat.times(); i++) {
          flat.addAll(body);
        }
      } else {
        flat.add(step);
      }
    }
    return flat;
  }

  void start() {
    serial.execute(() -> {
      run.stats().usersStarted.increment();
      run.stats().activeUsers.incrementAndGet();
      advance();
    });
  }

  /** Ends the user where it stands (the run's drain time is over). */
  void abort() {
    serial.execute(() -> {
      if (!finished) {
        run.stats().failure("unfinished");
        finish();
      }
    });
  }

  private void advance() {
    if (finished) {
      return;
    }
    if (next >= steps.size()) {
      finish();
      return;
    }
    Step step = steps.get(next++);
    long mine = ++token;
    // Java 17: no pattern matching in switch yet.
    if (step instanceof Step.Connect c) {
      lastConnect = c;
      connect(c.cleanSession(), mine);
    } else if (step instanceof Step.Subscribe s) {
      subscribe(s, mine);
    } else if (step instanceof Step.Publish p) {
      publish(p, mine);
    } else if (step instanceof Step.Pause p) {
      pause(p, mine);
    } else if (step instanceof Step.Expect e) {
      expect(e, mine);
    } else if (step instanceof Step.Disconnect) {
      disconnect(() -> advanceIf(mine));
    } else if (step instanceof Step.Reconnect r) {
      disconnect(() -> {
        if (r.through() == Step.Through.NEXT) {
          targetIndex = (targetIndex + 1) % run.targets().size();
        }
        connect(r.cleanSession(), mine);
      });
    } else {
      throw new IllegalStateException("not unrolled before the run: " + step);
    }
  }

  private void advanceIf(long mine) {
    if (mine == token && !finished) {
      advance();
    }
  }

  private void connect(boolean cleanSession, long mine) {
    run.gate().acquire(() -> serial.execute(() -> {
      if (finished || mine != token) {
        run.gate().release();
        return;
      }
      connection = MqttConnection.open(scenario.protocol(), clientId, run.transport(targetIndex), run.clientExecutors(),
          serial, this::onMessage, this::onLost);
      run.stats().connectAttempts.increment();
      // Read before the CONNECT: its event may arrive before the CONNACK.
      long eventsBefore = run.stickiness() == StickinessMethod.CONNECTION_EVENTS ? run.connectionEvents().count(clientId) : 0;
      long sent = System.nanoTime();
      MqttConnection mineConnection = connection;
      mineConnection.connect(cleanSession, lastConnect.sessionExpiry(), lastConnect.keepAlive())
          .whenCompleteAsync((sessionPresent, error) -> {
            run.gate().release();
            if (finished || mine != token) {
              if (error == null) {
                run.track(mineConnection.disconnect());
              }
              return;
            }
            if (error != null) {
              run.stats().failure(Failures.ofConnect(error));
              finish();
              return;
            }
            run.stats().connack.recordValue(Math.max(0, (System.nanoTime() - sent) / 1000));
            run.stats().connects.increment();
            connected = true;
            broker = null;
            switch (run.stickiness()) {
              case MARKERS -> awaitMarker(mine);
              case CONNECTION_EVENTS -> awaitConnectionEvent(mine, eventsBefore);
              case SESSION_PRESENT -> {
                classifyBySession(cleanSession, sessionPresent);
                advance();
              }
            }
          }, serial);
    }));
  }

  private void awaitMarker(long mine) {
    if (run.markerTopic() == null || nothingToWaitFor()) {
      advance();
      return;
    }
    awaitingBroker = true;
    connection.subscribe(run.markerTopic(), 0).whenCompleteAsync((ok, error) -> {
      if (error != null && awaitingBroker && mine == token) {
        awaitingBroker = false;
        run.stats().failure("marker-subscribe-failed");
        advance();
      }
    }, serial);
    run.schedule(run.markerWait(), () -> serial.execute(() -> {
      if (awaitingBroker && mine == token && !finished) {
        awaitingBroker = false;
        run.stats().brokerUnnamed = true;
        run.warn("no retained marker on " + run.markerTopic() + " within " + run.markerWait().toMillis()
            + " ms of a connect: a broker without one leaves its clients' reconnects unmeasured. Publish every"
            + " broker's marker with --brokers id=host:port,... (each broker reached directly), or choose"
            + " --stickiness session-present or connection-events.");
        advance();
      }
    }));
  }

  private void onMarker(byte[] payload) {
    if (!awaitingBroker || finished) {
      return; // a repeated marker, e.g. after a later re-subscribe
    }
    learned(new String(payload, StandardCharsets.UTF_8));
  }

  private void awaitConnectionEvent(long mine, long eventsBefore) {
    if (nothingToWaitFor()) {
      advance();
      return;
    }
    awaitingBroker = true;
    run.connectionEvents().after(clientId, eventsBefore).thenAccept(node -> serial.execute(() -> {
      if (awaitingBroker && mine == token && !finished) {
        learned(node);
      }
    }));
    run.schedule(run.markerWait(), () -> serial.execute(() -> {
      if (awaitingBroker && mine == token && !finished) {
        awaitingBroker = false;
        run.stats().brokerUnnamed = true;
        run.warn("no connection event for a client within " + run.markerWait().toMillis() + " ms of its CONNACK:"
            + " connection events measure stickiness only where the brokers publish them (EMQX: "
            + ConnectionEvents.EMQX_FILTER + ", to clients its authorization lets read $SYS; Aedes: "
            + ConnectionEvents.AEDES_FILTER + ") and the event monitor reaches them (--brokers, else the first target).");
        advance();
      }
    }));
  }

  /**
   * Once a wait for a marker or event was in vain and none ever came, the brokers give none:
   * waiting again would only slow every connect down.
   */
  private boolean nothingToWaitFor() {
    return run.stats().brokerUnnamed && !run.stats().brokerNamed;
  }

  /** The broker of this connection is known: count it, and compare it with the previous one. */
  private void learned(String reached) {
    run.stats().brokerNamed = true;
    awaitingBroker = false;
    broker = reached;
    run.stats().brokerConnected(broker);
    if (lastKnownBroker != null) {
      run.stats().reconnectClassified(lastKnownBroker.equals(broker));
    }
    lastKnownBroker = broker;
    advance();
  }

  /**
   * A connect that resumes a session the previous connection left (MQTT 3.1.1: clean session 0 on
   * both; MQTT 5: a session expiry above 0 before, clean start 0 now) should find it: session
   * present 1 is the same broker, 0 another one, when brokers do not share sessions.
   */
  private void classifyBySession(boolean cleanSession, boolean sessionPresent) {
    if (sessionExpected && !cleanSession) {
      run.stats().reconnectClassified(sessionPresent);
    }
    sessionExpected = scenario.protocol() == 3 ? !cleanSession : !lastConnect.sessionExpiry().isZero();
  }

  private void subscribe(Step.Subscribe s, long mine) {
    if (!connected) {
      notConnected(mine);
      return;
    }
    run.stats().subscribes.increment();
    maxSubscribedQos = Math.max(maxSubscribedQos, s.qos());
    connection.subscribe(resolve(s.topic()), s.qos()).whenCompleteAsync((ok, error) -> {
      if (error != null) {
        run.stats().failure("subscribe-failed");
      }
      advanceIf(mine);
    }, serial);
  }

  private void publish(Step.Publish p, long mine) {
    if (!connected) {
      notConnected(mine);
      return;
    }
    String topic = resolve(p.topic());
    MqttConnection target = connection;
    publishesOutstanding = p.count();
    double gapNanos = p.ratePerSec() > 0 ? 1e9 / p.ratePerSec() : 0;
    for (int i = 0; i < p.count(); i++) {
      Runnable send = () -> {
        if (finished || mine != token) {
          return;
        }
        run.stats().publishAttempts.increment();
        byte[] payload = new byte[p.payloadBytes()];
        ByteBuffer.wrap(payload).putLong(run.nowMicros()).putLong(run.stats().nextMessageId());
        target.publish(topic, p.qos(), payload, false).whenCompleteAsync((ok, error) -> {
          if (error != null) {
            run.stats().failure("publish-failed");
          } else {
            run.stats().messagesSent.increment();
          }
          if (--publishesOutstanding == 0) {
            advanceIf(mine);
          }
        }, serial);
      };
      long delay = Math.round(i * gapNanos);
      if (delay == 0) {
        send.run();
      } else {
        run.scheduleNanos(delay, () -> serial.execute(send));
      }
    }
  }

  private void pause(Step.Pause p, long mine) {
    long min = p.min().toNanos();
    long max = p.max().toNanos();
    long nanos = max > min ? ThreadLocalRandom.current().nextLong(min, max + 1) : min;
    run.scheduleNanos(run.scaled(nanos), () -> serial.execute(() -> advanceIf(mine)));
  }

  private void expect(Step.Expect e, long mine) {
    run.stats().expects.increment();
    String filter = resolve(e.topic());
    int remaining = e.count();
    for (Iterator<String> it = unmatched.iterator(); it.hasNext() && remaining > 0; ) {
      if (TopicFilter.matches(filter, it.next())) {
        it.remove();
        remaining--;
      }
    }
    if (remaining == 0) {
      advance();
      return;
    }
    PendingExpect waiting = new PendingExpect(filter, remaining);
    pending = waiting;
    run.scheduleNanos(run.scaled(e.within().toNanos()), () -> serial.execute(() -> {
      if (pending == waiting && mine == token && !finished) {
        pending = null;
        // QoS 0 messages may be dropped by design; only a user with a QoS >= 1 subscription loses messages.
        if (maxSubscribedQos >= 1) {
          run.stats().deliveryLost.add(waiting.remaining);
        }
        run.stats().failure("expect-timeout");
        advance();
      }
    }));
  }

  private void onMessage(MqttConnection.Message message) {
    if (finished) {
      return;
    }
    if (message.topic().equals(run.markerTopic())) {
      onMarker(message.payload());
      return;
    }
    if (message.payload().length >= Step.Publish.MIN_PAYLOAD_BYTES) {
      ByteBuffer payload = ByteBuffer.wrap(message.payload());
      long sentMicros = payload.getLong();
      if (received == null) {
        received = new RecentMessageIds();
      }
      if (!received.firstTime(payload.getLong())) {
        run.stats().messagesDuplicated.increment();
        return; // at-least-once: the broker sent it again; it neither counts nor satisfies an expect twice
      }
      long latency = run.nowMicros() - sentMicros;
      if (latency >= 0 && latency < 3_600_000_000L) {
        run.stats().publishToReceive.recordValue(latency);
      }
    }
    run.stats().messagesReceived.increment();
    if (pending != null && TopicFilter.matches(pending.filter, message.topic())) {
      if (--pending.remaining == 0) {
        pending = null;
        advance();
      }
      return;
    }
    if (unmatched.size() >= MAX_UNMATCHED) {
      unmatched.removeFirst();
    }
    unmatched.addLast(message.topic());
  }

  private void onLost(Throwable cause) {
    if (finished || !connected) {
      return; // a failed connect is reported by the connect itself
    }
    connected = false;
    leaveBroker();
    run.stats().failure("connection-lost");
    finish();
  }

  private void disconnect(Runnable then) {
    if (!connected) {
      then.run();
      return;
    }
    connected = false;
    awaitingBroker = false;
    leaveBroker();
    connection.disconnect().whenCompleteAsync((ok, error) -> then.run(), serial);
  }

  private void leaveBroker() {
    if (broker != null) {
      run.stats().brokerDisconnected(broker);
      broker = null;
    }
  }

  private void notConnected(long mine) {
    run.stats().failure("not-connected");
    advanceIf(mine);
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    token++;
    if (connected) {
      connected = false;
      leaveBroker();
      run.track(connection.disconnect());
    }
    run.stats().userFinished(lastKnownBroker);
    run.stats().activeUsers.decrementAndGet();
    onFinish.run();
  }

  private void engineError(Throwable t) {
    run.stats().failure("engine-error");
    run.engineError(clientId, t);
  }

  private String resolve(String topic) {
    return topic.replace("${clientId}", clientId).replace("${user}", Integer.toString(number));
  }

  /** Failure causes, as summary.json's failuresByCause names them. */
  static final class Failures {
    private Failures() {}

    static String ofConnect(Throwable error) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      String type = cause.getClass().getSimpleName();
      if (type.endsWith("ConnAckException")) {
        return "connack-refused";
      }
      for (Throwable t = cause; t != null; t = t.getCause()) {
        String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (t instanceof java.util.concurrent.TimeoutException || message.contains("timeout") || message.contains("timed out")) {
          return "connect-timeout";
        }
        if (message.contains("refused")) {
          return "connection-refused";
        }
      }
      return type.equals("ConnectionClosedException") ? "connection-closed" : "connect-failed";
    }
  }

  /** For the run's end: {@link CompletableFuture}s of DISCONNECTs in flight. */
  static CompletableFuture<Void> settle(List<CompletableFuture<?>> futures, Duration atMost) {
    CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
    return all.completeOnTimeout(null, atMost.toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> null);
  }
}
