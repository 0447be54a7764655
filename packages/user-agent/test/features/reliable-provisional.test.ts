/**
 * RFC 3262 — the sans-I/O state of reliable provisional responses, on
 * virtual time (T1 = 500 ms): RSeq numbering, the §3 retransmission schedule
 * and 64·T1 give-up, the one-at-a-time queue, PRACK matching by RAck, the
 * 2xx hold while a 1xx with SDP is unacknowledged; the UAC's §4 verdicts.
 */
import fc from 'fast-check';
import { createResponse, parseMessage, type SipResponse } from '@trunkline/sip-parser';
import { createUacDialog } from '@trunkline/transaction-layer';
import { describe, expect, it } from 'vitest';
import {
  MAX_INITIAL_RSEQ,
  ReliableProvisionalReceiver,
  ReliableProvisionalSender,
  initialRSeq,
  isReliableProvisional,
  parseRAck,
  reliabilityOf,
  type ReliableProvisionalOutput,
} from '../../src/features/reliable-provisional.js';
import { request } from './support/messages.js';

const T1 = 500;
const rack = (rseq: number, cseq = 1, method = 'INVITE') => ({ rseq, cseq, method });
const types = <T>(outs: ReadonlyArray<ReliableProvisionalOutput<T>>) => outs.map((o) => `${o.type}:${String(o.item)}:${o.rseq}`);

describe('RFC 3262 §7.1/§7.2 headers', () => {
  it.each([
    ['plain', '776 1 INVITE', { rseq: 776, cseq: 1, method: 'INVITE' }],
    ['extra whitespace, lower-case method', '  5   314159 invite ', { rseq: 5, cseq: 314159, method: 'INVITE' }],
    ['largest', '4294967295 4294967295 INVITE', { rseq: 4294967295, cseq: 4294967295, method: 'INVITE' }],
    ['RSeq 0', '0 1 INVITE', null],
    ['RSeq above 2^32-1', '4294967296 1 INVITE', null],
    ['missing method', '5 1', null],
    ['not numbers', 'a b INVITE', null],
    ['absent', undefined, null],
  ])('parseRAck: %s', (_name, text, expected) => {
    expect(parseRAck(text)).toEqual(expected);
  });

  it('§3: the first RSeq is in 1..2^31-1 at both ends of the random range', () => {
    expect(initialRSeq(() => 0)).toBe(1);
    expect(initialRSeq(() => 1 - Number.EPSILON)).toBe(MAX_INITIAL_RSEQ);
    for (let i = 0; i < 100; i++) {
      const r = initialRSeq();
      expect(r >= 1 && r <= MAX_INITIAL_RSEQ && Number.isInteger(r)).toBe(true);
    }
  });

  it.each([
    ['Require: 100rel', [['Require', '100rel']], 'required'],
    ['Require among others', [['Require', 'timer, 100REL']], 'required'],
    ['Supported: 100rel', [['Supported', 'timer'], ['Supported', '100rel']], 'supported'],
    ['neither', [['Supported', 'timer']], 'none'],
    ['malformed list', [['Supported', '100rel,,"x"']], 'none'],
  ] as const)('reliabilityOf: %s', (_name, headers, expected) => {
    expect(reliabilityOf(request('INVITE', headers))).toBe(expected);
  });

  it('isReliableProvisional: 1xx but 100 with Require: 100rel and RSeq', () => {
    const inv = request('INVITE');
    expect(isReliableProvisional(createResponse(inv, 183, { headers: [['Require', '100rel'], ['RSeq', '1']] }))).toBe(true);
    expect(isReliableProvisional(createResponse(inv, 183, { headers: [['Require', '100rel']] }))).toBe(false);
    expect(isReliableProvisional(createResponse(inv, 183, { headers: [['RSeq', '1']] }))).toBe(false);
    expect(isReliableProvisional(createResponse(inv, 100, { headers: [['Require', '100rel'], ['RSeq', '1']] }))).toBe(false);
    expect(isReliableProvisional(createResponse(inv, 200, { headers: [['Require', '100rel'], ['RSeq', '1']] }))).toBe(false);
  });
});

describe('RFC 3262 §3 UAS: ReliableProvisionalSender on virtual time', () => {
  it('sends at once with the first RSeq, resends at T1, 2·T1, 4·T1 ... and gives up at 64·T1', () => {
    const s = new ReliableProvisionalSender<string>({ T1, firstRSeq: 42, inviteCSeq: 1 });
    expect(types(s.enqueue('183', true, 0))).toEqual(['send:183:42']);
    const resends: number[] = [];
    let timeout: number | null = null;
    for (let now = 0; s.nextDeadline !== null; ) {
      now = s.nextDeadline;
      for (const o of s.tick(now)) {
        if (o.type === 'send') {
          expect(o).toMatchObject({ rseq: 42, retransmission: true });
          resends.push(now);
        } else if (o.type === 'timeout') timeout = now;
      }
    }
    expect(resends).toEqual([500, 1500, 3500, 7500, 15_500, 31_500]);
    expect(timeout).toBe(64 * T1);
    expect(s.holdsFinal2xx).toBe(false); // given up: the INVITE is rejected, nothing to hold
    expect(s.enqueue('180', false, 40_000)).toEqual([]);
  });

  it('over TCP/TLS (retransmit false): no resends, still the 64·T1 give-up', () => {
    const s = new ReliableProvisionalSender<string>({ T1, retransmit: false, firstRSeq: 1, inviteCSeq: 1 });
    s.enqueue('183', true, 100);
    expect(s.nextDeadline).toBe(100 + 64 * T1);
    expect(types(s.tick(100 + 64 * T1))).toEqual(['timeout:183:1']);
  });

  it('a second reliable 1xx waits for the PRACK of the first and gets RSeq + 1; PRACKs naming anything else get 481', () => {
    const s = new ReliableProvisionalSender<string>({ T1, firstRSeq: 7, inviteCSeq: 3 });
    s.enqueue('180', false, 0);
    expect(s.enqueue('183', true, 10)).toEqual([]);
    expect(s.pending).toBe(2);
    expect(s.holdsFinal2xx).toBe(true); // the queued 183 has SDP
    expect(s.receivePrack(rack(8, 3), 20).matched).toBe(false); // not sent yet
    expect(s.receivePrack(rack(7, 1), 20).matched).toBe(false); // wrong CSeq
    expect(s.receivePrack(rack(7, 3, 'UPDATE'), 20).matched).toBe(false); // wrong method
    expect(s.receivePrack(null, 20).matched).toBe(false); // no RAck
    const r = s.receivePrack(rack(7, 3), 600);
    expect(r.matched).toBe(true);
    expect(types(r.outputs)).toEqual(['acknowledged:180:7', 'send:183:8']);
    expect(s.nextDeadline).toBe(600 + T1); // the 183's own schedule
    expect(s.receivePrack(rack(7, 3), 700).matched).toBe(false); // acknowledged already
    expect(types(s.receivePrack(rack(8, 3), 700).outputs)).toEqual(['acknowledged:183:8']);
    expect(s.holdsFinal2xx).toBe(false);
    expect(s.nextDeadline).toBeNull();
  });

  it('holds the 2xx only while a 1xx with SDP is unacknowledged', () => {
    const s = new ReliableProvisionalSender<string>({ T1, firstRSeq: 1, inviteCSeq: 1 });
    s.enqueue('180', false, 0);
    expect(s.holdsFinal2xx).toBe(false);
    s.receivePrack(rack(1), 1);
    s.enqueue('183', true, 2);
    expect(s.holdsFinal2xx).toBe(true);
    s.receivePrack(rack(2), 3);
    expect(s.holdsFinal2xx).toBe(false);
  });

  it('finalSent: resends and the queue stop; a PRACK for the last one sent is still matched', () => {
    const s = new ReliableProvisionalSender<string>({ T1, firstRSeq: 1, inviteCSeq: 1 });
    s.enqueue('180', false, 0);
    s.enqueue('183', true, 0);
    s.finalSent();
    expect(s.nextDeadline).toBeNull();
    expect(s.tick(10_000)).toEqual([]);
    expect(types(s.receivePrack(rack(1), 10_000).outputs)).toEqual(['acknowledged:180:1']);
    expect(s.pending).toBe(0);
  });

  it('§3: the largest first RSeq, then +1 per reliable response', () => {
    const s = new ReliableProvisionalSender<string>({ T1, firstRSeq: MAX_INITIAL_RSEQ, inviteCSeq: 1 });
    expect(types(s.enqueue('a', false, 0))).toEqual([`send:a:${MAX_INITIAL_RSEQ}`]);
    expect(s.nextRSeq).toBe(MAX_INITIAL_RSEQ + 1);
  });

  it('refuses bad options with TypeError', () => {
    expect(() => new ReliableProvisionalSender({ T1: 0, inviteCSeq: 1 })).toThrow(TypeError);
    expect(() => new ReliableProvisionalSender({ T1, firstRSeq: 0, inviteCSeq: 1 })).toThrow(TypeError);
    expect(() => new ReliableProvisionalSender({ T1, firstRSeq: 2 ** 31, inviteCSeq: 1 })).toThrow(TypeError);
    expect(() => new ReliableProvisionalSender({ T1, inviteCSeq: -1 })).toThrow(TypeError);
  });
});

describe('RFC 3262 §4 UAC: ReliableProvisionalReceiver', () => {
  const invite = parseMessage(
    new TextEncoder().encode(
      'INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-rcv\r\nMax-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: rcv@127.0.0.1\r\nCSeq: 10 INVITE\r\nContact: <sip:alice@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n',
    ),
  );
  if (!invite.isRequest) throw new Error('not a request');
  const reliable = (rseq: number, tag = 'b1'): SipResponse =>
    createResponse(invite, 183, { toTag: tag, headers: [['Contact', '<sip:bob@127.0.0.1:5080>'], ['Require', '100rel'], ['RSeq', String(rseq)]] });

  it('new, retransmission, out of order (a gap or an older RSeq); PRACKs take the next CSeq and the confirmed dialog goes on above them', () => {
    const r = new ReliableProvisionalReceiver();
    const early = createUacDialog(invite, reliable(5));
    const first = r.receive(early, reliable(5));
    expect(first.verdict).toBe('new');
    expect(first.rack).toEqual({ rseq: 5, cseq: 10, method: 'INVITE' });
    expect(r.receive(early, reliable(5)).verdict).toBe('retransmission');
    expect(r.receive(early, reliable(7)).verdict).toBe('out-of-order');
    expect(r.receive(early, reliable(4)).verdict).toBe('out-of-order');
    const p1 = r.prack('b1', first.rack, { via: 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-p1' });
    expect(p1.request.method).toBe('PRACK');
    expect(p1.request.headers.get('RAck')).toBe('5 10 INVITE');
    expect(p1.request.cseq?.seq).toBe(11);
    expect(r.receive(early, reliable(6)).verdict).toBe('new');
    expect(r.prack('b1', { rseq: 6, cseq: 10, method: 'INVITE' }).request.cseq?.seq).toBe(12);
    expect(r.confirmed(early).localSeq).toBe(12);
    // Another fork keeps its own RSeq space.
    expect(r.receive(createUacDialog(invite, reliable(900, 'b2')), reliable(900, 'b2')).verdict).toBe('new');
    expect(() => r.prack('nobody', first.rack)).toThrow(TypeError);
  });
});

/**
 * Model-based: random interleavings of reliable 1xx (with or without SDP),
 * PRACKs (right, lost, wrong), the final response and time passing, against a
 * plain model of §3.
 */
describe('RFC 3262 §3 property: the sender against a model', () => {
  type Action =
    | { readonly kind: 'enqueue'; readonly sdp: boolean }
    | { readonly kind: 'prack'; readonly delivered: boolean; readonly wrong: number }
    | { readonly kind: 'wait'; readonly ms: number }
    | { readonly kind: 'final' };
  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.record({ kind: fc.constant('enqueue' as const), sdp: fc.boolean() }),
    fc.record({ kind: fc.constant('prack' as const), delivered: fc.boolean(), wrong: fc.integer({ min: -2, max: 2 }) }),
    fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
    fc.constant({ kind: 'final' as const }),
  );

  it('one in flight, RSeq +1 in order, resends only at sentAt + T1·(2^k − 1) before 64·T1, timeout exactly at 64·T1, PRACK matched iff its RAck names the one in flight, 2xx held iff SDP unacknowledged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_INITIAL_RSEQ }), fc.array(action, { maxLength: 40 }), (first, actions) => {
        const s = new ReliableProvisionalSender<number>({ T1, firstRSeq: first, inviteCSeq: 1 });
        let now = 0;
        let nextItem = 0;
        const queue: Array<{ id: number; sdp: boolean }> = [];
        let inFlight: { id: number; sdp: boolean; rseq: number; sentAt: number; resends: number } | null = null;
        let expectedRSeq = first;
        let stopped = false;
        const acked: number[] = [];
        const check = (outs: ReadonlyArray<ReliableProvisionalOutput<number>>, at: number): void => {
          for (const o of outs) {
            if (o.type === 'send' && !o.retransmission) {
              expect(inFlight).toBeNull();
              expect(stopped).toBe(false);
              const next = queue.shift()!;
              expect(o.item).toBe(next.id);
              expect(o.rseq).toBe(expectedRSeq++);
              inFlight = { ...next, rseq: o.rseq, sentAt: at, resends: 0 };
            } else if (o.type === 'send') {
              expect(inFlight).not.toBeNull();
              expect(o.rseq).toBe(inFlight!.rseq);
              inFlight!.resends++;
              expect(at).toBe(inFlight!.sentAt + T1 * (2 ** inFlight!.resends - 1));
              expect(at).toBeLessThan(inFlight!.sentAt + 64 * T1);
            } else if (o.type === 'acknowledged') {
              expect(o.item).toBe(inFlight!.id);
              acked.push(o.item);
              inFlight = null;
            } else {
              expect(at).toBe(inFlight!.sentAt + 64 * T1);
              inFlight = null;
              stopped = true;
              queue.length = 0;
            }
          }
        };
        const advance = (to: number): void => {
          for (let at = s.nextDeadline; at !== null && at <= to; at = s.nextDeadline) check(s.tick(at), at);
          now = to;
        };
        for (const a of actions) {
          switch (a.kind) {
            case 'enqueue': {
              const id = nextItem++;
              if (!stopped) queue.push({ id, sdp: a.sdp });
              check(s.enqueue(id, a.sdp, now), now);
              break;
            }
            case 'prack': {
              if (!a.delivered) break; // lost on the way
              const target = inFlight === null ? expectedRSeq : (inFlight as { rseq: number }).rseq + a.wrong;
              const r = s.receivePrack(rack(target), now);
              expect(r.matched).toBe(inFlight !== null && a.wrong === 0);
              check(r.outputs, now);
              break;
            }
            case 'wait':
              advance(now + a.ms);
              break;
            case 'final':
              s.finalSent();
              stopped = true;
              queue.length = 0;
              expect(s.nextDeadline).toBeNull();
              break;
          }
          const holds = !stopped && ((inFlight as { sdp: boolean } | null)?.sdp === true || queue.some((q) => q.sdp));
          expect(s.holdsFinal2xx).toBe(holds);
          expect(s.pending).toBe((inFlight === null ? 0 : 1) + queue.length);
        }
        expect([...acked].sort((x, y) => x - y)).toEqual(acked); // acknowledged in the order they were queued
      }),
      { numRuns: 300 },
    );
  });
});
