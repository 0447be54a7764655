import { describe, expect, it } from 'vitest';
import { ClientInviteTransaction } from '../src/transaction/client-invite-transaction.js';
import { ClientNonInviteTransaction } from '../src/transaction/client-non-invite-transaction.js';
import type { Step } from '../src/transaction/common.js';
import { DEFAULT_TIMER_CONFIG, timerValues } from '../src/timers.js';
import { request, response } from './helpers/messages.js';

const UDP = timerValues(DEFAULT_TIMER_CONFIG, false);
const TCP = timerValues(DEFAULT_TIMER_CONFIG, true);

type Machine = { deadline: number | null; step(e: { type: 'timer' }, now: number): Step };

/** Runs the machine's timers up to `until`, collecting when each message was sent and every event. */
function runTimers(m: Machine, until: number): { sentAt: number[]; events: string[] } {
  const sentAt: number[] = [];
  const events: string[] = [];
  for (let d = m.deadline; d !== null && d <= until; d = m.deadline) {
    const s = m.step({ type: 'timer' }, d);
    for (const _ of s.send) sentAt.push(d);
    for (const e of s.events) events.push(e.type === 'timeout' ? `timeout:${e.timer}` : e.type);
  }
  return { sentAt, events };
}

describe('RFC 3261 §17.1.1.2 INVITE client transaction', () => {
  it('Calling: sends the INVITE, retransmits on Timer A doubling, times out on Timer B (64*T1) over UDP', () => {
    const t = new ClientInviteTransaction(request('INVITE', 'z9hG4bK-a1'), UDP, false);
    const first = t.start(0);
    expect(first.send.map((m) => (m instanceof Uint8Array ? 'bytes' : m.isRequest ? m.method : m.status))).toEqual(['INVITE']);
    expect(t.deadline).toBe(500);
    const { sentAt, events } = runTimers(t, 40_000);
    expect(sentAt).toEqual([500, 1500, 3500, 7500, 15500, 31500]);
    expect(events).toEqual(['timeout:B', 'terminated']);
    expect(t.state).toBe('terminated');
    expect(t.deadline).toBeNull();
  });

  it('Calling over a reliable transport: no Timer A retransmissions, Timer B still applies', () => {
    const t = new ClientInviteTransaction(request('INVITE', 'z9hG4bK-a2'), TCP, true);
    t.start(0);
    const { sentAt, events } = runTimers(t, 40_000);
    expect(sentAt).toEqual([]);
    expect(events).toEqual(['timeout:B', 'terminated']);
  });

  it('Calling → Proceeding on 1xx: the response goes to the TU and retransmissions stop', () => {
    const inv = request('INVITE', 'z9hG4bK-a3');
    const t = new ClientInviteTransaction(inv, UDP, false);
    t.start(0);
    const s = t.step({ type: 'response', response: response(inv, 180) }, 100);
    expect(t.state).toBe('proceeding');
    expect(s.events.map((e) => e.type)).toEqual(['response']);
    expect(t.deadline).toBeNull();
    expect(t.step({ type: 'response', response: response(inv, 183) }, 200).events.map((e) => e.type)).toEqual(['response']);
  });

  it('RFC 6026 §7.2: 2xx → Accepted; further 2xx go to the TU; Timer M ends it', () => {
    const inv = request('INVITE', 'z9hG4bK-a4');
    const t = new ClientInviteTransaction(inv, UDP, false);
    t.start(0);
    t.step({ type: 'response', response: response(inv, 180) }, 10);
    const ok = t.step({ type: 'response', response: response(inv, 200) }, 20);
    expect(t.state).toBe('accepted');
    expect(ok.send).toEqual([]); // the TU, not the transaction, ACKs a 2xx
    expect(t.step({ type: 'response', response: response(inv, 200, 'other-fork') }, 30).events.map((e) => e.type)).toEqual(['response']);
    expect(t.step({ type: 'response', response: response(inv, 180) }, 40).events).toEqual([]);
    expect(t.deadline).toBe(20 + 64 * 500);
    expect(runTimers(t, 100_000).events).toEqual(['terminated']);
  });

  it('§17.1.1.3: 300-699 → Completed with an ACK built from the request; retransmitted finals re-ACKed, not passed up; Timer D', () => {
    const inv = request('INVITE', 'z9hG4bK-a5');
    const t = new ClientInviteTransaction(inv, UDP, false);
    t.start(0);
    const busy = response(inv, 486, 'busy-tag');
    const s = t.step({ type: 'response', response: busy }, 50);
    expect(t.state).toBe('completed');
    expect(s.events.map((e) => e.type)).toEqual(['response']);
    const ack = s.send[0];
    if (ack === undefined || ack instanceof Uint8Array || !ack.isRequest) throw new Error('ACK expected');
    expect(ack.method).toBe('ACK');
    expect(ack.requestUri).toBe(inv.requestUri);
    expect(ack.cseq).toEqual({ seq: inv.cseq?.seq, method: 'ACK' });
    expect(ack.via).toHaveLength(1);
    expect(ack.via[0]?.branch).toBe('z9hG4bK-a5');
    expect(ack.to?.tag).toBe('busy-tag');
    expect(ack.from?.tag).toBe(inv.from?.tag);
    expect(ack.callId).toBe(inv.callId);
    const again = t.step({ type: 'response', response: busy }, 60);
    expect(again.events).toEqual([]);
    expect(again.send).toEqual([ack]);
    expect(t.deadline).toBe(50 + 32_000);
    expect(runTimers(t, 100_000).events).toEqual(['terminated']);
  });

  it('§17.1.1.2: Timer D is zero over reliable transports', () => {
    const inv = request('INVITE', 'z9hG4bK-a6');
    const t = new ClientInviteTransaction(inv, TCP, true);
    t.start(0);
    t.step({ type: 'response', response: response(inv, 603) }, 50);
    expect(t.deadline).toBe(50);
    expect(runTimers(t, 50).events).toEqual(['terminated']);
  });

  it('§17.1.4: a transport error in Calling informs the TU and terminates', () => {
    const t = new ClientInviteTransaction(request('INVITE', 'z9hG4bK-a7'), UDP, false);
    t.start(0);
    expect(t.step({ type: 'transport-error' }, 1).events.map((e) => e.type)).toEqual(['transport-error', 'terminated']);
    expect(t.deadline).toBeNull();
  });
});

describe('RFC 3261 §17.1.2.2 non-INVITE client transaction', () => {
  it('Trying: Timer E doubles up to T2, Timer F (64*T1) times out over UDP', () => {
    const t = new ClientNonInviteTransaction(request('OPTIONS', 'z9hG4bK-n1'), UDP, false);
    expect(t.start(0).send).toHaveLength(1);
    const { sentAt, events } = runTimers(t, 40_000);
    expect(sentAt).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(events).toEqual(['timeout:F', 'terminated']);
  });

  it('Proceeding: retransmits every T2', () => {
    const req = request('BYE', 'z9hG4bK-n2');
    const t = new ClientNonInviteTransaction(req, UDP, false);
    t.start(0);
    runTimers(t, 600); // one retransmission at 500
    t.step({ type: 'response', response: response(req, 100) }, 700);
    expect(t.state).toBe('proceeding');
    const { sentAt } = runTimers(t, 10_000);
    expect(sentAt).toEqual([1500, 5500, 9500]);
  });

  it('final response → Completed; Timer K = T4 absorbs retransmissions over UDP, 0 over TCP', () => {
    const req = request('REGISTER', 'z9hG4bK-n3');
    const t = new ClientNonInviteTransaction(req, UDP, false);
    t.start(0);
    const s = t.step({ type: 'response', response: response(req, 200) }, 100);
    expect(s.events.map((e) => e.type)).toEqual(['response']);
    expect(t.state).toBe('completed');
    expect(t.step({ type: 'response', response: response(req, 200) }, 200).events).toEqual([]);
    expect(t.deadline).toBe(100 + 5000);
    expect(runTimers(t, 10_000).events).toEqual(['terminated']);

    const r2 = request('REGISTER', 'z9hG4bK-n4');
    const tcp = new ClientNonInviteTransaction(r2, TCP, true);
    tcp.start(0);
    expect(runTimers(tcp, 1000).sentAt).toEqual([]);
    tcp.step({ type: 'response', response: response(r2, 401) }, 10);
    expect(tcp.deadline).toBe(10);
  });
});
