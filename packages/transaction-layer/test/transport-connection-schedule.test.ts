/**
 * Issue 8 fault 7 / issue 9 defect 1: stream connection timing as a pure
 * scheduler, on virtual time — idle timeouts, the stricter idle rule before
 * a first message, the message-completion deadline, RFC 5626 §4.4.1 pings.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionSchedule, type ConnectionScheduleSettings } from '../src/transport/connection-schedule.js';

const base: ConnectionScheduleSettings = { idleTimeoutMs: 300_000, firstMessageTimeoutMs: 10_000, messageTimeoutMs: 5_000, crlfIntervalMs: 0, pongTimeoutMs: 10_000 };

describe('connection schedule (virtual time)', () => {
  it('issue 9 defect 1: a connection that never completed a message closes after firstMessageTimeoutMs of idleness', () => {
    const s = new ConnectionSchedule(base, 1_000);
    expect(s.nextDeadline).toBe(11_000);
    expect(s.due(10_999)).toBeNull();
    expect(s.due(11_000)).toEqual({ type: 'close', reason: 'first-message' });
  });

  it('RFC 5923 §9: after a complete message the long idle timeout applies, moved by traffic both ways', () => {
    const s = new ConnectionSchedule(base, 0);
    s.received(100, 1, false);
    expect(s.hasCompletedMessage).toBe(true);
    expect(s.nextDeadline).toBe(300_100);
    s.sent(200_000);
    expect(s.due(300_100)).toBeNull();
    expect(s.nextDeadline).toBe(500_000);
    expect(s.due(500_000)).toEqual({ type: 'close', reason: 'idle' });
  });

  it('issue 9 defect 1: one byte now and then cannot hold a connection — the message must be complete within messageTimeoutMs', () => {
    const s = new ConnectionSchedule(base, 0);
    s.received(1_000, 0, true);
    for (let t = 2_000; t < 6_000; t += 1_000) {
      s.received(t, 0, true); // a byte a second keeps it from idling, not from the deadline
      expect(s.due(t)).toBeNull();
    }
    expect(s.nextDeadline).toBe(6_000);
    expect(s.due(6_000)).toEqual({ type: 'close', reason: 'message-timeout' });
  });

  it('the message deadline restarts with each message and ends when nothing is pending', () => {
    const s = new ConnectionSchedule(base, 0);
    s.received(1_000, 0, true);
    s.received(4_000, 1, true); // one message done, the next one started in the same chunk
    expect(s.messageInProgress).toBe(true);
    expect(s.due(6_000)).toBeNull();
    expect(s.due(9_000)).toEqual({ type: 'close', reason: 'message-timeout' });
    s.received(8_000, 1, false);
    expect(s.messageInProgress).toBe(false);
    expect(s.due(9_000)).toBeNull();
  });

  it('RFC 5626 §4.4.1: pings every crlfIntervalMs, none while one waits for its pong, a missing pong closes', () => {
    const s = new ConnectionSchedule({ ...base, crlfIntervalMs: 30_000, pongTimeoutMs: 10_000 }, 0);
    s.received(10, 1, false);
    expect(s.nextDeadline).toBe(30_000);
    expect(s.due(30_000)).toEqual({ type: 'ping' });
    s.pingSent(30_000);
    expect(s.nextDeadline).toBe(40_000); // the pong deadline; no ping before it
    s.pongReceived();
    expect(s.nextDeadline).toBe(60_000);
    expect(s.due(60_000)).toEqual({ type: 'ping' });
    s.pingSent(60_000);
    expect(s.due(69_999)).toBeNull();
    expect(s.due(70_000)).toEqual({ type: 'close', reason: 'pong-timeout' });
  });

  it('0 turns every timer off', () => {
    const s = new ConnectionSchedule({ idleTimeoutMs: 0, firstMessageTimeoutMs: 0, messageTimeoutMs: 0, crlfIntervalMs: 0, pongTimeoutMs: 1 }, 0);
    s.received(5, 0, true);
    expect(s.nextDeadline).toBeNull();
    expect(s.due(Number.MAX_SAFE_INTEGER)).toBeNull();
  });
});
