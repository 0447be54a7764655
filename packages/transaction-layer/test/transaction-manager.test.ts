import { parseMessage, type SipRequest } from '@trunkline/sip-parser';
import { describe, expect, it } from 'vitest';
import type { Flow } from '../src/flow.js';
import { buildCancel } from '../src/transaction/derived-requests.js';
import { TransactionStateError } from '../src/transaction/common.js';
import { TransactionLimitError, TransactionManager, type TransactionOutput } from '../src/transaction/transaction-manager.js';
import { request, response } from './helpers/messages.js';

const FLOW: Flow = { protocol: 'udp', address: '192.0.2.4', port: 5060 };
const types = (outs: TransactionOutput[]): string[] => outs.map((o) => (o.type === 'send' ? `send:${o.message.isRequest ? o.message.method : o.message.status}` : o.type));

function rfc2543Invite(): SipRequest {
  const m = parseMessage(
    [
      'INVITE sip:bob@biloxi.example.com SIP/2.0',
      'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=2543-style-id',
      'From: <sip:alice@atlanta.example.com>;tag=x1',
      'To: <sip:bob@biloxi.example.com>',
      'Call-ID: c2543@atlanta.example.com',
      'CSeq: 7 INVITE',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  if (!m.isRequest) throw new Error('request expected');
  return m;
}

describe('RFC 3261 §17.2.3 server transaction matching', () => {
  it('a retransmitted request matches its transaction (branch + sent-by + method) and is absorbed', () => {
    const tm = new TransactionManager();
    const req = request('OPTIONS', 'z9hG4bK-m1');
    expect(types(tm.receive(req, FLOW, 0))).toEqual(['request']);
    expect(types(tm.receive(request('OPTIONS', 'z9hG4bK-m1'), FLOW, 10))).toEqual([]);
    expect(tm.stats.absorbedRetransmissions).toBe(1);
    expect(tm.size).toBe(1);
  });

  it('the same branch with another method is another transaction', () => {
    const tm = new TransactionManager();
    tm.receive(request('INVITE', 'z9hG4bK-m2'), FLOW, 0);
    expect(types(tm.receive(request('OPTIONS', 'z9hG4bK-m2'), FLOW, 0))).toEqual(['request']);
    expect(tm.size).toBe(2);
  });

  it('RFC 2543 fallback: requests without the magic cookie match on Request-URI, tags, Call-ID, CSeq and top Via; the ACK of a non-2xx matches the INVITE', () => {
    const tm = new TransactionManager();
    const outs = tm.receive(rfc2543Invite(), FLOW, 0);
    const id = outs[0]?.type === 'request' ? outs[0].transactionId : '';
    expect(types(tm.receive(rfc2543Invite(), FLOW, 50))).toEqual([]);
    const res = response(rfc2543Invite(), 486, 'tt');
    expect(types(tm.respond(id, res, 100))).toEqual(['send:486']);
    const ack = parseMessage(
      [
        'ACK sip:bob@biloxi.example.com SIP/2.0',
        'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=2543-style-id',
        'From: <sip:alice@atlanta.example.com>;tag=x1',
        'To: <sip:bob@biloxi.example.com>;tag=tt',
        'Call-ID: c2543@atlanta.example.com',
        'CSeq: 7 ACK',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    if (!ack.isRequest) throw new Error('request expected');
    tm.receive(ack, FLOW, 200);
    expect(tm.stateOf(id)).toBe('confirmed');
  });

  it('§9.2: a CANCEL creates its own transaction and names the INVITE transaction it cancels', () => {
    const tm = new TransactionManager();
    const inv = request('INVITE', 'z9hG4bK-m3');
    const first = tm.receive(inv, FLOW, 0);
    const inviteId = first[0]?.type === 'request' ? first[0].transactionId : '';
    const outs = tm.receive(buildCancel(inv), FLOW, 10);
    expect(outs).toHaveLength(1);
    const ev = outs[0];
    expect(ev?.type === 'request' && ev.cancels).toBe(inviteId);
    expect(ev?.type === 'request' && ev.transactionId).not.toBe(inviteId);
    // A CANCEL for nothing still gets a transaction (the TU answers 481).
    const stray = tm.receive(buildCancel(request('INVITE', 'z9hG4bK-unknown')), FLOW, 20);
    expect(stray[0]?.type === 'request' && stray[0].cancels).toBeNull();
  });

  it('§17.2.3: an ACK matching no transaction (the ACK of a 2xx) goes to the TU', () => {
    const tm = new TransactionManager();
    const outs = tm.receive(request('ACK', 'z9hG4bK-fresh', { toTag: 'x' }), FLOW, 0);
    expect(outs).toEqual([expect.objectContaining({ type: 'ack', transactionId: null })]);
    expect(tm.size).toBe(0);
  });

  it('§21.5.4: beyond maxTransactions new requests are refused statelessly with 503 and Retry-After', () => {
    const tm = new TransactionManager({ maxTransactions: 2 });
    tm.receive(request('OPTIONS', 'z9hG4bK-l1'), FLOW, 0);
    tm.receive(request('OPTIONS', 'z9hG4bK-l2'), { ...FLOW, address: '192.0.2.99' }, 0);
    const outs = tm.receive(request('OPTIONS', 'z9hG4bK-l3'), { ...FLOW, address: '192.0.2.98' }, 0);
    expect(types(outs)).toEqual(['send:503']);
    const busy = outs[0]?.type === 'send' ? outs[0].message : undefined;
    expect(busy?.headers.get('Retry-After')).toBe('5');
    expect(tm.stats.refusedOverLimit).toBe(1);
    expect(() => tm.sendRequest(request('OPTIONS', 'z9hG4bK-l4'), FLOW, 0)).toThrow(TransactionLimitError);
  });

  it('§21.5.4 / issue 9 defect 3: a source holding as many live transactions as there are free slots is refused; others still get in', () => {
    const tm = new TransactionManager({ maxTransactions: 10 });
    const outs = Array.from({ length: 8 }, (_, i) => tm.receive(request('INVITE', `z9hG4bK-f${i}`), FLOW, 0));
    // 5 live from FLOW leave 5 free: the 6th from the same source is refused.
    expect(outs.map((o) => (o[0]?.type === 'send' ? 503 : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 503, 503, 503]);
    expect(tm.stats).toMatchObject({ refusedOverLimit: 3, refusedPerSource: 3 });
    const other = tm.receive(request('INVITE', 'z9hG4bK-other'), { ...FLOW, address: '192.0.2.99' }, 0);
    expect(other.map((o) => o.type)).toEqual(['request']);
  });

  it('RFC 3261 §17.2.2 / issue 9 defect 3: a completed non-INVITE server transaction over UDP keeps the encoded response, leaves the live budget, absorbs retransmissions until Timer J', () => {
    const tm = new TransactionManager({ maxTransactions: 1 });
    const opts = request('OPTIONS', 'z9hG4bK-j1');
    const [req] = tm.receive(opts, FLOW, 0);
    const id = req?.type === 'request' ? req.transactionId : '';
    const sent = tm.respond(id, response(opts, 200), 1);
    expect(sent.map((o) => o.type)).toEqual(['send-encoded']);
    expect(tm.liveCount).toBe(0);
    expect(tm.completedCount).toBe(1);
    expect(tm.stateOf(id)).toBe('completed');
    expect(tm.requestOf(id)).toBeUndefined();
    // The live budget is free again for a new request.
    expect(tm.receive(request('OPTIONS', 'z9hG4bK-j2'), FLOW, 2).map((o) => o.type)).toEqual(['request']);
    const again = tm.receive(request('OPTIONS', 'z9hG4bK-j1'), FLOW, 100);
    expect(again).toEqual([expect.objectContaining({ type: 'send-encoded', bytes: sent[0]?.type === 'send-encoded' ? sent[0].bytes : null })]);
    expect(tm.stats.absorbedRetransmissions).toBe(1);
    expect(tm.nextDeadline).toBe(1 + 64 * 500);
    expect(tm.tick(1 + 64 * 500)).toEqual([{ type: 'terminated', transactionId: id }]);
    expect(tm.completedCount).toBe(0);
  });

  it('issue 9 defect 3: at maxCompletedTransactions the oldest completed transaction is forgotten early', () => {
    const tm = new TransactionManager({ maxCompletedTransactions: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = request('OPTIONS', `z9hG4bK-e${i}`);
      const [r] = tm.receive(m, FLOW, i);
      const id = r?.type === 'request' ? r.transactionId : '';
      ids.push(id);
      const outs = tm.respond(id, response(m, 200), i);
      if (i === 2) expect(outs.map((o) => o.type)).toEqual(['terminated', 'send-encoded']);
    }
    expect(tm.completedCount).toBe(2);
    expect(tm.stateOf(ids[0]!)).toBeUndefined();
    expect(tm.stats.completedEvicted).toBe(1);
  });
});

describe('RFC 6026 §7.1 Accepted INVITE server transactions kept as records', () => {
  const accepted = (tm: TransactionManager, branch: string, now: number): { id: string; invite: SipRequest; outs: TransactionOutput[] } => {
    const invite = request('INVITE', branch);
    const [r] = tm.receive(invite, FLOW, now);
    const id = r?.type === 'request' ? r.transactionId : '';
    return { id, invite, outs: tm.respond(id, response(invite, 200), now) };
  };

  it('a 2xx leaves the live budget: the record absorbs INVITE retransmissions, passes its ACK up, sends the TU\'s 2xx retransmissions, and ends at Timer L', () => {
    const tm = new TransactionManager({ maxTransactions: 1 });
    const { id, invite, outs } = accepted(tm, 'z9hG4bK-acc1', 0);
    expect(outs).toEqual([expect.objectContaining({ type: 'send', transactionId: id, to: { protocol: 'udp', address: 'pc33.atlanta.example.com', port: 5060 } })]);
    expect(tm.liveCount).toBe(0);
    expect(tm.acceptedCount).toBe(1);
    expect(tm.stateOf(id)).toBe('accepted');
    expect(tm.requestOf(id)).toBeUndefined();
    // The one live slot is free for the next call at once (before: held 32 s).
    expect(types(tm.receive(request('INVITE', 'z9hG4bK-acc2'), FLOW, 1))).toEqual(['request']);
    expect(tm.receive(request('INVITE', 'z9hG4bK-acc1'), FLOW, 500)).toEqual([]);
    expect(tm.stats.absorbedRetransmissions).toBe(1);
    expect(types(tm.respond(id, response(invite, 200), 500))).toEqual(['send:200']);
    expect(() => tm.respond(id, response(invite, 486), 600)).toThrow(TransactionStateError);
    const ack = tm.receive(request('ACK', 'z9hG4bK-acc1', { toTag: 'abc123' }), FLOW, 700);
    expect(ack).toEqual([expect.objectContaining({ type: 'ack', transactionId: id })]);
    expect(tm.tick(64 * 500 - 1)).not.toContainEqual({ type: 'terminated', transactionId: id });
    expect(tm.tick(64 * 500)).toContainEqual({ type: 'terminated', transactionId: id });
    expect(tm.acceptedCount).toBe(0);
    expect(tm.stateOf(id)).toBeUndefined();
  });

  it('RFC 6026 §7.1: a transport error ends an Accepted record; a CANCEL still finds its INVITE (§9.2)', () => {
    const tm = new TransactionManager();
    const { id, invite } = accepted(tm, 'z9hG4bK-acc3', 0);
    const [c] = tm.receive(buildCancel(invite), FLOW, 5);
    expect(c).toEqual(expect.objectContaining({ type: 'request', cancels: id }));
    expect(tm.transportError(id, 10)).toEqual([
      { type: 'transport-error', transactionId: id },
      { type: 'terminated', transactionId: id },
    ]);
    expect(tm.stateOf(id)).toBeUndefined();
  });

  it('at maxAcceptedTransactions the oldest Accepted record is forgotten early and counted; 0 keeps full machines in the live budget', () => {
    const tm = new TransactionManager({ maxAcceptedTransactions: 2 });
    const ids = [0, 1, 2].map((i) => accepted(tm, `z9hG4bK-ae${i}`, i));
    expect(types(ids[2]!.outs)).toEqual(['terminated', 'send:200']);
    expect(tm.acceptedCount).toBe(2);
    expect(tm.stateOf(ids[0]!.id)).toBeUndefined();
    expect(tm.stats.acceptedEvicted).toBe(1);
    const full = new TransactionManager({ maxAcceptedTransactions: 0 });
    const { id } = accepted(full, 'z9hG4bK-af', 0);
    expect(full.liveCount).toBe(1);
    expect(full.stateOf(id)).toBe('accepted');
    expect(() => new TransactionManager({ maxAcceptedTransactions: -1 })).toThrow(RangeError);
  });

  it('RFC 3261 §17.2.1: a 300-699 INVITE transaction keeps only its encoded response; Timer G and a retransmitted INVITE send those bytes', () => {
    const tm = new TransactionManager();
    const invite = request('INVITE', 'z9hG4bK-rej');
    const [r] = tm.receive(invite, FLOW, 0);
    const id = r?.type === 'request' ? r.transactionId : '';
    expect(types(tm.respond(id, response(invite, 486), 0))).toEqual(['send:486']);
    expect(tm.requestOf(id)).toBeUndefined();
    const g = tm.tick(500);
    expect(g).toEqual([expect.objectContaining({ type: 'send-encoded', transactionId: id, flow: FLOW })]);
    const again = tm.receive(request('INVITE', 'z9hG4bK-rej'), FLOW, 600);
    expect(again.map((o) => o.type)).toEqual(['send-encoded']);
    const bytes = again[0]?.type === 'send-encoded' ? again[0].bytes : new Uint8Array();
    const parsed = parseMessage(bytes);
    expect(parsed.isRequest ? 0 : parsed.status).toBe(486);
  });
});

describe('RFC 3261 §17.1.3 client transaction matching', () => {
  it('responses match on top-Via branch and CSeq method; a 200 for the CANCEL does not complete the INVITE', () => {
    const tm = new TransactionManager();
    const inv = request('INVITE', 'z9hG4bK-c1');
    const { transactionId: inviteId } = tm.sendRequest(inv, FLOW, 0);
    const cancel = buildCancel(inv);
    const { transactionId: cancelId } = tm.sendRequest(cancel, FLOW, 5);
    const okCancel = tm.receive(response(cancel, 200), FLOW, 10);
    expect(okCancel).toEqual([expect.objectContaining({ type: 'response', transactionId: cancelId })]);
    expect(tm.stateOf(inviteId ?? '')).toBe('calling');
    const terminated = tm.receive(response(inv, 487), FLOW, 20);
    expect(types(terminated)).toEqual(['send:ACK', 'response']);
  });

  it('a response matching nothing is dropped and counted (RFC 6026 §8.4 stray responses)', () => {
    const tm = new TransactionManager();
    expect(tm.receive(response(request('INVITE', 'z9hG4bK-none'), 200), FLOW, 0)).toEqual([]);
    expect(tm.stats.strayResponses).toBe(1);
  });

  it('sending ACK creates no transaction; a duplicate branch is API misuse', () => {
    const tm = new TransactionManager();
    const ack = tm.sendRequest(request('ACK', 'z9hG4bK-a', { toTag: 't' }), FLOW, 0);
    expect(ack.transactionId).toBeNull();
    expect(types(ack.outputs)).toEqual(['send:ACK']);
    tm.sendRequest(request('OPTIONS', 'z9hG4bK-dup'), FLOW, 0);
    expect(() => tm.sendRequest(request('OPTIONS', 'z9hG4bK-dup'), FLOW, 0)).toThrow(TypeError);
  });

  it('nextDeadline follows the earliest live timer and is null once every transaction is gone', () => {
    const tm = new TransactionManager({ timers: { T1: 100 } });
    const req = request('OPTIONS', 'z9hG4bK-d1');
    tm.sendRequest(req, FLOW, 0);
    expect(tm.nextDeadline).toBe(100);
    tm.receive(response(req, 200), FLOW, 50);
    expect(tm.nextDeadline).toBe(50 + 5000); // Timer K = T4
    expect(types(tm.tick(5050))).toEqual(['terminated']);
    expect(tm.size).toBe(0);
    expect(tm.nextDeadline).toBeNull();
  });

  it('timer configuration is validated once', () => {
    expect(() => new TransactionManager({ timers: { T1: 0 } })).toThrow(RangeError);
    expect(() => new TransactionManager({ timers: { T1: 5000, T2: 4000 } })).toThrow(RangeError);
    expect(() => new TransactionManager({ maxTransactions: 0 })).toThrow(RangeError);
  });
});

describe('RFC 3261 §18.2.2 routing input: the request a transaction answers', () => {
  it('requestOf returns the request of a live transaction and nothing once it has ended', () => {
    const tm = new TransactionManager();
    const req = request('OPTIONS', 'z9hG4bK-r1');
    const outs = tm.receive(req, FLOW, 0);
    const id = outs[0]?.type === 'request' ? outs[0].transactionId : '';
    expect(tm.requestOf(id)).toBe(req);
    tm.respond(id, response(req, 200), 1);
    tm.tick(1 + 64 * 500); // Timer J
    expect(tm.requestOf(id)).toBeUndefined();
  });
});
