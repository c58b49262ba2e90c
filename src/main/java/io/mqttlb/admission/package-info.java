/**
 * Admission control of new connections to brokers with a connect-rate cap: pacing at this node's
 * share of a broker's tier-wide cap, and the bounded first-in first-out queues of clients that wait
 * for it. Pure: nothing here knows Netty, Vert.x or Micrometer, so the queue's rules (order, bound,
 * expiry, cancellation) are tested with a fake clock and a fake pacer; {@code io.mqttlb.proxy} runs
 * the queues on the event loops.
 */
package io.mqttlb.admission;
