/**
 * SymmetricLatch: where symmetric RTP sends, learned only from valid packets; with `probation`
 * (plain RTP) a source other than the signalled one must send several valid packets in a row
 * (RFC 3550 §A.1's probation applied to the source address) — RTP-bleed hardening.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SymmetricLatch, type TransportAddress } from '../src/core.js';

const SIGNALLED: TransportAddress = { address: '192.0.2.10', port: 4000 };
const NAT: TransportAddress = { address: '198.51.100.7', port: 61000 };
const STRAY: TransportAddress = { address: '203.0.113.66', port: 5004 };

describe('SymmetricLatch', () => {
  it('probation 1 (SRTP: authenticated packets): the first valid packet from anywhere latches', () => {
    const latch = new SymmetricLatch({ initial: SIGNALLED });
    expect(latch.onValidPacket(NAT, 7)).toBe(true);
    expect(latch.remote).toEqual(NAT);
    expect(latch.latched).toBe(true);
  });

  it('probation 3: the signalled address latches at once; a stray source racing it never moves the latch', () => {
    const latch = new SymmetricLatch({ initial: SIGNALLED, probation: 3 });
    expect(latch.onValidPacket(STRAY, 99)).toBe(false);
    expect(latch.onValidPacket(STRAY, 99)).toBe(false);
    expect(latch.latched).toBe(false);
    expect(latch.onValidPacket(SIGNALLED, 7)).toBe(false); // already the send address
    expect(latch.latched).toBe(true);
    for (let i = 0; i < 20; i++) expect(latch.onValidPacket(STRAY, 99)).toBe(false);
    expect(latch.remote).toEqual(SIGNALLED);
  });

  it('probation 3: a NATed peer (signalled private address) is learned on its third packet in a row', () => {
    const latch = new SymmetricLatch({ initial: { address: '10.0.0.5', port: 4000 }, probation: 3 });
    expect(latch.onValidPacket(NAT, 7)).toBe(false);
    expect(latch.onValidPacket(NAT, 7)).toBe(false);
    expect(latch.onValidPacket(NAT, 7)).toBe(true);
    expect(latch.remote).toEqual(NAT);
  });

  it('probation 3: interleaved sources or SSRCs restart the count; NAT rebinding of the latched SSRC also needs 3 in a row', () => {
    const latch = new SymmetricLatch({ probation: 3 });
    latch.onValidPacket(NAT, 7);
    latch.onValidPacket(NAT, 7);
    latch.onValidPacket(STRAY, 7); // another source: restart
    latch.onValidPacket(NAT, 8); // another SSRC: restart
    expect(latch.latched).toBe(false);
    latch.onValidPacket(NAT, 8);
    expect(latch.onValidPacket(NAT, 8)).toBe(true);
    const moved: TransportAddress = { address: NAT.address, port: 62000 };
    expect(latch.onValidPacket(moved, 8)).toBe(false);
    expect(latch.onValidPacket(NAT, 8)).toBe(false); // the latched address again: restart
    expect(latch.onValidPacket(moved, 8)).toBe(false);
    expect(latch.onValidPacket(moved, 8)).toBe(false);
    expect(latch.onValidPacket(moved, 8)).toBe(true);
    expect(latch.remote).toEqual(moved);
    latch.reset(SIGNALLED);
    expect(latch.latched).toBe(false);
    expect(latch.onValidPacket(SIGNALLED, 1)).toBe(false);
    expect(latch.latched).toBe(true);
  });

  it('rejects a probation that is not a positive integer', () => {
    expect(() => new SymmetricLatch({ probation: 0 })).toThrow(TypeError);
    expect(() => new SymmetricLatch({ probation: 1.5 })).toThrow(/options\.probation/);
  });

  it('property: while the signalled peer sends at least once in every `probation` packets, no other source is ever learned', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), (probation, gaps) => {
        const latch = new SymmetricLatch({ initial: SIGNALLED, probation });
        for (const g of gaps) {
          for (let i = 0; i < g % probation; i++) latch.onValidPacket(i % 2 === 0 ? STRAY : NAT, 99);
          latch.onValidPacket(SIGNALLED, 7);
          expect(latch.remote).toEqual(SIGNALLED);
        }
      }),
    );
  });
});
