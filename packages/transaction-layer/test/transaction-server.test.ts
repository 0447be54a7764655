import { describe, expect, it } from 'vitest';
import type { Step } from '../src/transaction/common.js';
import { TransactionStateError } from '../src/transaction/common.js';
import { ServerInviteTransaction } from '../src/transaction/server-invite-transaction.js';
import { ServerNonInviteTransaction } from '../src/transaction/server-non-invite-transaction.js';
import { DEFAULT_TIMER_CONFIG, timerValues } from '../src/timers.js';
import { request, response } from './helpers/messages.js';
import { serializeMessage } from '@trunkline/sip-parser';

const UDP = timerValues(DEFAULT_TIMER_CONFIG, false);
const TCP = timerValues(DEFAULT_TIMER_CONFIG, true);

type Machine = { deadline: number | null; step(e: { type: 'timer' }, now: number): Step };

function runTimers(m: Machine, until: number): { sent: Array<[number, number]>; events: string[] } {
  const sent: Array<[number, number]> = [];
  const events: string[] = [];
  for (let d = m.deadline; d !== null && d <= until; d = m.deadline) {
    const s = m.step({ type: 'timer' }, d);
    for (const msg of s.send) sent.push([d, msg instanceof Uint8Array ? Number(new TextDecoder().decode(msg.subarray(8, 11))) : msg.isRequest ? 0 : msg.status]);
    for (const e of s.events) events.push(e.type === 'timeout' ? `timeout:${e.timer}` : e.type);
  }
  return { sent, events };
}

describe('RFC 3261 §17.2.1 INVITE server transaction', () => {
  it('passes the INVITE up and sends 100 Trying itself after 200 ms when the TU is silent', () => {
    const inv = request('INVITE', 'z9hG4bK-s1');
    const t = new ServerInviteTransaction(inv, UDP, false);
    expect(t.start(0).events.map((e) => e.type)).toEqual(['request']);
    const { sent } = runTimers(t, 250);
    expect(sent).toEqual([[200, 100]]);
    expect(t.response?.status).toBe(100);
    expect(t.response?.callId).toBe(inv.callId);
  });

  it('no automatic 100 when the TU answers within 200 ms; a retransmitted INVITE gets the latest provisional', () => {
    const inv = request('INVITE', 'z9hG4bK-s2');
    const t = new ServerInviteTransaction(inv, UDP, false);
    t.start(0);
    const ringing = response(inv, 180);
    expect(t.step({ type: 'respond', response: ringing }, 50).send).toEqual([ringing]);
    expect(runTimers(t, 1000).sent).toEqual([]);
    expect(t.step({ type: 'request', request: inv }, 600).send).toEqual([ringing]);
  });

  it('300-699 → Completed: Timer G retransmits doubling to T2, ACK → Confirmed, Timer I = T4 ends it', () => {
    const inv = request('INVITE', 'z9hG4bK-s3');
    const t = new ServerInviteTransaction(inv, UDP, false);
    t.start(0);
    const busy = response(inv, 486);
    t.step({ type: 'respond', response: busy }, 0);
    expect(t.state).toBe('completed');
    const { sent } = runTimers(t, 8000);
    expect(sent.map(([at]) => at)).toEqual([500, 1500, 3500, 7500]);
    // Completed keeps only the encoded 486 (the INVITE and the parsed response are let go).
    expect(t.request).toBeNull();
    expect(t.step({ type: 'request', request: inv }, 8100).send).toEqual([serializeMessage(busy)]);
    const ack = request('ACK', 'z9hG4bK-s3', { toTag: 'abc123' });
    expect(t.step({ type: 'request', request: ack }, 9000).events).toEqual([]);
    expect(t.state).toBe('confirmed');
    expect(t.deadline).toBe(9000 + 5000);
    expect(t.step({ type: 'request', request: ack }, 9100).send).toEqual([]);
    expect(runTimers(t, 20_000).events).toEqual(['terminated']);
  });

  it('Timer H (64*T1) without an ACK: the TU is told and the transaction ends', () => {
    const inv = request('INVITE', 'z9hG4bK-s4');
    const t = new ServerInviteTransaction(inv, UDP, false);
    t.start(0);
    t.step({ type: 'respond', response: response(inv, 404) }, 0);
    const { events, sent } = runTimers(t, 40_000);
    expect(events).toEqual(['timeout:H', 'terminated']);
    expect(sent.length).toBeGreaterThan(5);
  });

  it('reliable transport: no Timer G, Timer I = 0', () => {
    const inv = request('INVITE', 'z9hG4bK-s5');
    const t = new ServerInviteTransaction(inv, TCP, true);
    t.start(0);
    t.step({ type: 'respond', response: response(inv, 486) }, 300);
    expect(t.deadline).toBe(300 + 32_000);
    t.step({ type: 'request', request: request('ACK', 'z9hG4bK-s5', { toTag: 'abc123' }) }, 400);
    expect(t.deadline).toBe(400);
    expect(runTimers(t, 400).events).toEqual(['terminated']);
  });

  it('RFC 6026 §7.1: 2xx → Accepted; INVITE retransmissions absorbed, 2xx retransmissions sent, ACK passed up, Timer L', () => {
    const inv = request('INVITE', 'z9hG4bK-s6');
    const t = new ServerInviteTransaction(inv, UDP, false);
    t.start(0);
    const ok = response(inv, 200);
    t.step({ type: 'respond', response: ok }, 10);
    expect(t.state).toBe('accepted');
    expect(t.step({ type: 'request', request: inv }, 20).send).toEqual([]);
    expect(t.step({ type: 'respond', response: ok }, 510).send).toEqual([ok]);
    const ack = request('ACK', 'z9hG4bK-s6', { toTag: 'abc123' });
    expect(t.step({ type: 'request', request: ack }, 600).events.map((e) => e.type)).toEqual(['ack']);
    expect(() => t.step({ type: 'respond', response: response(inv, 486) }, 700)).toThrow(TransactionStateError);
    expect(t.deadline).toBe(10 + 32_000);
    expect(runTimers(t, 100_000).events).toEqual(['terminated']);
  });

  it('a second final response is API misuse', () => {
    const inv = request('INVITE', 'z9hG4bK-s7');
    const t = new ServerInviteTransaction(inv, UDP, false);
    t.start(0);
    t.step({ type: 'respond', response: response(inv, 486) }, 0);
    expect(() => t.step({ type: 'respond', response: response(inv, 500) }, 1)).toThrow(TransactionStateError);
  });
});

describe('RFC 3261 §17.2.2 non-INVITE server transaction', () => {
  it('Trying absorbs retransmissions; a final response → Completed; retransmissions answered; Timer J = 64*T1', () => {
    const req = request('OPTIONS', 'z9hG4bK-t1');
    const t = new ServerNonInviteTransaction(req, UDP, false);
    expect(t.start(0).events.map((e) => e.type)).toEqual(['request']);
    expect(t.step({ type: 'request', request: req }, 10).send).toEqual([]);
    const ok = response(req, 200);
    expect(t.step({ type: 'respond', response: ok }, 20).send).toEqual([ok]);
    expect(t.state).toBe('completed');
    expect(t.step({ type: 'request', request: req }, 30).send).toEqual([ok]);
    expect(t.deadline).toBe(20 + 32_000);
    expect(runTimers(t, 100_000).events).toEqual(['terminated']);
  });

  it('Proceeding: a retransmission gets the provisional; Timer J = 0 over TCP', () => {
    const req = request('BYE', 'z9hG4bK-t2');
    const t = new ServerNonInviteTransaction(req, TCP, true);
    t.start(0);
    const trying = response(req, 100);
    t.step({ type: 'respond', response: trying }, 5);
    expect(t.state).toBe('proceeding');
    expect(t.step({ type: 'request', request: req }, 6).send).toEqual([trying]);
    t.step({ type: 'respond', response: response(req, 200) }, 7);
    expect(t.deadline).toBe(7);
    expect(runTimers(t, 7).events).toEqual(['terminated']);
    expect(() => t.step({ type: 'respond', response: response(req, 200) }, 8)).toThrow(TransactionStateError);
  });

  it('§17.2.4: a transport error informs the TU and terminates', () => {
    const req = request('OPTIONS', 'z9hG4bK-t3');
    const t = new ServerNonInviteTransaction(req, UDP, false);
    t.start(0);
    expect(t.step({ type: 'transport-error' }, 1).events.map((e) => e.type)).toEqual(['transport-error', 'terminated']);
  });
});
