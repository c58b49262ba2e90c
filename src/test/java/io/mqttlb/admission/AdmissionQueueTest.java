package io.mqttlb.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttlb.admission.AdmissionQueue.Ticket;
import io.mqttlb.admission.AdmissionQueue.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The queue's rules on a fake clock, with a pacer whose permits the test hands out. */
class AdmissionQueueTest {
  private static final long MAX_WAIT = TimeUnit.MILLISECONDS.toNanos(100);

  /** Permits the test grants one by one; the rate it is told is only recorded. */
  static final class HandPacer implements ConnectPacer {
    int permits;
    double rate;

    HandPacer(double rate) {
      this.rate = rate;
    }

    @Override
    public boolean tryAcquire() {
      if (permits == 0) {
        return false;
      }
      permits--;
      return true;
    }

    @Override
    public void setRate(double perSecond) {
      rate = perSecond;
    }
  }

  /** What drains decided, in order: "admitted a", "expired b". */
  private static final class Recorded implements AdmissionQueue.Outcomes<String> {
    final List<String> outcomes = new ArrayList<>();
    final List<Long> waits = new ArrayList<>();

    @Override
    public void admitted(String client, long waitedNanos) {
      outcomes.add("admitted " + client);
      waits.add(waitedNanos);
    }

    @Override
    public void expired(String client, long waitedNanos) {
      outcomes.add("expired " + client);
      waits.add(waitedNanos);
    }
  }

  private long now = 1_000_000;
  private final HandPacer pacer = new HandPacer(10);
  private final Recorded recorded = new Recorded();

  private BrokerGate gate(int queueBound) {
    return new BrokerGate(10, 1, queueBound, rate -> pacer);
  }

  private AdmissionQueue<String> queue(BrokerGate gate) {
    return new AdmissionQueue<>(gate, MAX_WAIT, () -> now);
  }

  private void advanceMillis(long millis) {
    now += TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void aClientPassesAtOnceWhileThePacerHasAPermitAndNobodyWaits() {
    BrokerGate gate = gate(10);
    AdmissionQueue<String> queue = queue(gate);
    pacer.permits = 1;
    assertEquals(Verdict.ADMITTED, queue.offer("a").verdict());
    assertEquals(Verdict.WAITING, queue.offer("b").verdict());
    assertEquals(1, gate.waiting());
    assertEquals(1, queue.size());
  }

  @Test
  void waitingClientsAreAdmittedInArrivalOrderAsPermitsCome() {
    AdmissionQueue<String> queue = queue(gate(10));
    for (String client : List.of("a", "b", "c", "d")) {
      assertEquals(Verdict.WAITING, queue.offer(client).verdict());
    }
    advanceMillis(10);
    pacer.permits = 1;
    assertTrue(queue.drain(recorded), "c and d still wait");
    pacer.permits = 2;
    advanceMillis(10);
    assertTrue(queue.drain(recorded));
    assertEquals(List.of("admitted a", "admitted b", "admitted c"), recorded.outcomes);
    assertEquals(List.of(ms(10), ms(20), ms(20)), recorded.waits);
  }

  @Test
  void aNewcomerQueuesBehindWaitingClientsEvenWhenAPermitIsFree() {
    BrokerGate gate = gate(10);
    AdmissionQueue<String> queue = queue(gate);
    queue.offer("a");
    pacer.permits = 1;
    // Another loop's queue of the same broker counts too: the gate's waiting count is node-wide.
    AdmissionQueue<String> otherLoop = queue(gate);
    assertEquals(Verdict.WAITING, otherLoop.offer("b").verdict());
    assertEquals(1, pacer.permits, "the newcomer did not take the permit");
    queue.drain(recorded);
    assertEquals(List.of("admitted a"), recorded.outcomes);
  }

  @Test
  void theBoundIsNodeWideAndRefusesAtOnce() {
    BrokerGate gate = gate(2);
    AdmissionQueue<String> loop1 = queue(gate);
    AdmissionQueue<String> loop2 = queue(gate);
    assertEquals(Verdict.WAITING, loop1.offer("a").verdict());
    assertEquals(Verdict.WAITING, loop2.offer("b").verdict());
    assertEquals(Verdict.QUEUE_FULL, loop1.offer("c").verdict());
    assertEquals(Verdict.QUEUE_FULL, loop2.offer("d").verdict());
    assertEquals(2, gate.waiting());
    pacer.permits = 1;
    loop1.drain(recorded);
    assertEquals(Verdict.WAITING, loop2.offer("e").verdict(), "a's place is free once a is admitted");
  }

  @Test
  void aQueueOfZeroRefusesWhateverCannotPassAtOnce() {
    AdmissionQueue<String> queue = queue(gate(0));
    pacer.permits = 1;
    assertEquals(Verdict.ADMITTED, queue.offer("a").verdict());
    assertEquals(Verdict.QUEUE_FULL, queue.offer("b").verdict());
  }

  @Test
  void clientsThatWaitedTheirTimeAreRefusedBeforeAnyoneIsAdmitted() {
    BrokerGate gate = gate(10);
    AdmissionQueue<String> queue = queue(gate);
    queue.offer("a");
    advanceMillis(60);
    queue.offer("b");
    advanceMillis(40); // a has waited 100 ms, b 40 ms
    pacer.permits = 1;
    assertFalse(queue.drain(recorded));
    assertEquals(List.of("expired a", "admitted b"), recorded.outcomes, "the permit went to b, not to the expired a");
    assertEquals(List.of(ms(100), ms(40)), recorded.waits);
    assertEquals(0, gate.waiting());
  }

  @Test
  void aDrainStopsAtTheFirstClientThatMustStillWait() {
    AdmissionQueue<String> queue = queue(gate(10));
    queue.offer("a");
    advanceMillis(99);
    assertTrue(queue.drain(recorded));
    assertEquals(List.of(), recorded.outcomes, "99 ms is within the wait");
    advanceMillis(1);
    assertFalse(queue.drain(recorded));
    assertEquals(List.of("expired a"), recorded.outcomes);
  }

  @Test
  void aClientThatLeftIsNeverAdmittedAndFreesItsPlaceAtOnce() {
    BrokerGate gate = gate(2);
    AdmissionQueue<String> queue = queue(gate);
    Ticket<String> a = queue.offer("a");
    queue.offer("b");
    a.cancel();
    assertEquals(Verdict.LEFT, a.verdict());
    assertEquals(1, gate.waiting());
    assertEquals(Verdict.WAITING, queue.offer("c").verdict(), "a's place went to c");
    pacer.permits = 1;
    assertTrue(queue.drain(recorded));
    assertEquals(List.of("admitted b"), recorded.outcomes);
    a.cancel(); // twice: nothing more is released
    assertEquals(1, gate.waiting());
  }

  @Test
  void cancellingAfterTheVerdictChangesNothing() {
    BrokerGate gate = gate(10);
    AdmissionQueue<String> queue = queue(gate);
    pacer.permits = 1;
    Ticket<String> admitted = queue.offer("a");
    Ticket<String> waiting = queue.offer("b");
    queue.offer("c");
    pacer.permits = 1;
    queue.drain(recorded);
    admitted.cancel();
    waiting.cancel();
    assertEquals(Verdict.ADMITTED, admitted.verdict());
    assertEquals(Verdict.ADMITTED, waiting.verdict());
    assertEquals(1, gate.waiting(), "c still waits, counted once");
  }

  @Test
  void aGateWhoseCapWasRemovedLetsEveryoneThrough() {
    BrokerGate gate = gate(10);
    AdmissionQueue<String> queue = queue(gate);
    queue.offer("a");
    queue.offer("b");
    gate.configure(0, 1);
    assertFalse(queue.drain(recorded));
    assertEquals(List.of("admitted a", "admitted b"), recorded.outcomes);
    assertEquals(Verdict.ADMITTED, queue.offer("c").verdict());
    gate.configure(10, 1);
    assertEquals(Verdict.WAITING, queue.offer("d").verdict(), "capped again: the pacer has no permit");
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
