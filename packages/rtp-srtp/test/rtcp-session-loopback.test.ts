import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MediaSocket,
  PortAllocator,
  RealtimePacer,
  RtcpSession,
  RtpSequencer,
  SrtpContext,
  StreamStats,
  rtcpCompoundSize,
  srtpTransform,
  type MediaTransform,
  type PacerTimers,
  type RtcpPacket,
} from '../src/index.js';
import { seededRandom as seeded } from '@trunkline/test-support';

// A per-process range keeps parallel test workers apart.
const BASE = 36000 + ((process.pid * 41) % 1500) * 10;
const T0 = 1_700_000_000_000; // virtual wallclock origin (Unix ms)
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** One virtual monotonic clock with one-shot timers: RTCP's seconds run in microseconds. */
class VirtualClock implements PacerTimers {
  #t = 0;
  #id = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  now = (): number => this.#t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.#id;
    this.#timers.set(id, { at: this.#t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.#timers.delete(h as number);
  };
  get pending(): number {
    return this.#timers.size;
  }
  /** Runs every timer due up to `t`, in due order, at its due time; then sets the clock to `t`. */
  runUntil(t: number): void {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.#timers) if (e[1].at <= t && (next === undefined || e[1].at < next[1].at)) next = e;
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.#t = Math.max(this.#t, next[1].at);
      next[1].fn();
    }
    this.#t = t;
  }
}

const keys = () => ({ profile: 'AES_CM_128_HMAC_SHA1_80' as const, masterKey: randomBytes(16), masterSalt: randomBytes(14) });

async function endpoints(offset: number, srtp: boolean, enabledB = true) {
  const allocator = new PortAllocator({ minPort: BASE + offset, maxPort: BASE + offset + 9, address: '127.0.0.1' });
  let ta: MediaTransform | undefined;
  let tb: MediaTransform | undefined;
  if (srtp) {
    const ka = keys();
    const kb = keys();
    ta = srtpTransform({ outbound: new SrtpContext(ka), inbound: new SrtpContext(kb) });
    tb = srtpTransform({ outbound: new SrtpContext(kb), inbound: new SrtpContext(ka) });
  }
  const a = await MediaSocket.open({ allocator, ...(ta === undefined ? {} : { transform: ta }) });
  const b = await MediaSocket.open({ allocator, remote: { address: '127.0.0.1', port: a.localPort }, ...(tb === undefined ? {} : { transform: tb }) });
  a.setRemote({ address: '127.0.0.1', port: b.localPort }); // both learnt the other from SDP
  cleanups.push(() => a.close(), () => b.close());

  const clock = new VirtualClock();
  const wallclock = () => T0 + clock.now();
  const side = (socket: MediaSocket, name: string, seed: number, enabled: boolean) => {
    const seq = new RtpSequencer();
    const stats = new StreamStats();
    const session = new RtcpSession({ socket, stats, localSsrc: seq.ssrc, cname: `${name}@trunkline.test`, timers: clock, wallclock, enabled, scheduler: { random: seeded(seed) } });
    const srs: RtcpPacket[][] = [];
    session.on('rtcp', (packets) => {
      if (packets[0]?.type === 'sr') srs.push([...packets]);
    });
    const payload = new Uint8Array(160).fill(0xff);
    const pacer = new RealtimePacer({
      periodMs: 20,
      timers: clock,
      onTick: (n) => socket.sendRtp({ ...seq.next(160), marker: n === 0, payloadType: 0, csrc: [], padding: 0, payload }),
    });
    return { socket, seq, stats, session, srs, pacer };
  };
  const A = side(a, 'alice', 1, true);
  const B = side(b, 'bob', 2, enabledB);

  // Everything sent so far has been received or dropped on the other side.
  const delivered = () => {
    const [ca, cb] = [a.counters, b.counters];
    return cb.rtpReceived + cb.rtcpReceived + cb.dropped >= ca.rtpSent + ca.rtcpSent && ca.rtpReceived + ca.rtcpReceived + ca.dropped >= cb.rtpSent + cb.rtcpSent;
  };
  /** Advances virtual time 20 ms (pacers tick, RTCP timers fire), then lets the datagrams arrive 1 ms later. */
  const step = async () => {
    clock.runUntil(clock.now() + 19);
    clock.runUntil(clock.now() + 1); // arrivals are stamped strictly after the sends
    for (let i = 0; i < 1000 && !delivered(); i++) await new Promise((r) => setImmediate(r));
  };
  return { A, B, clock, step };
}

describe('RFC 3550 §6.3, §6.4 RtcpSession on loopback: scheduled SR/RR + SDES, RTT, BYE on close', () => {
  for (const [name, srtp, offset] of [
    ['plain RTP/RTCP', false, 0],
    ['SRTP/SRTCP (RFC 3711) through srtpTransform', true, 10],
  ] as const) {
    it(`${name}: each side gets the other's SR within the first intervals, computes an RTT, and sees BYE on close`, async () => {
      const { A, B, clock, step } = await endpoints(offset, srtp);
      const sentSizes: Array<[number, number]> = [];
      A.socket.on('rtcpSent', (packets, size) => sentSizes.push([rtcpCompoundSize(packets), size]));
      A.pacer.start();
      B.pacer.start();
      const done = () => A.srs.length > 0 && B.srs.length > 0 && A.stats.snapshot().rttMs !== undefined && B.stats.snapshot().rttMs !== undefined;
      while (!done() && clock.now() < 20_000) {
        await step();
        // One pacer timeout and one RTCP timeout per side, never an interval timer.
        expect(clock.pending).toBeLessThanOrEqual(4);
      }
      expect(done()).toBe(true);
      // The first report comes after the halved minimum: no earlier than 1.25 s / 1.21828.
      expect(clock.now()).toBeGreaterThan(1000);

      const sr = A.srs[0]?.[0];
      expect(sr).toMatchObject({ type: 'sr', ssrc: B.seq.ssrc });
      expect(A.srs[0]?.[1]).toEqual({ type: 'sdes', chunks: [{ ssrc: B.seq.ssrc, items: [{ type: 1, text: 'bob@trunkline.test' }] }] });
      expect(B.srs[0]?.[0]).toMatchObject({ type: 'sr', ssrc: A.seq.ssrc });
      for (const s of [A, B]) {
        const snap = s.stats.snapshot();
        expect(Number.isFinite(snap.rttMs)).toBe(true);
        expect(snap.rttMs).toBeGreaterThanOrEqual(0);
        expect(snap.rttMs).toBeLessThan(100); // virtual one-way delay is 1–20 ms
        expect(snap.remoteLossPercent).toBe(0);
        expect(s.session.scheduler.members).toBe(2);
        expect(s.session.scheduler.senders).toBe(2);
      }
      // The SR's RTP timestamp follows the media clock (8 kHz) at the NTP instant.
      if (sr?.type === 'sr') expect(sr.packetCount).toBeGreaterThan(40);
      // SRTCP adds the E+index word and the 10-byte tag on the wire (and avg_rtcp_size counts it).
      expect(sentSizes.length).toBeGreaterThan(0);
      for (const [plain, wire] of sentSizes) expect(wire - plain).toBe(srtp ? 14 : 0);

      // BYE on close, idempotent either way: closing the session, or the socket (which closes the
      // session first and flushes the BYE before its sockets close).
      const byeAtB = once(B.session, 'bye');
      A.pacer.stop();
      B.pacer.stop();
      if (srtp) {
        await Promise.all([A.socket.close(), A.socket.close()]);
        A.session.close();
      } else {
        A.session.close();
        A.session.close();
        await A.socket.close();
      }
      expect(A.session.closed).toBe(true);
      const [ssrc] = (await byeAtB) as [number, string | undefined];
      expect(ssrc).toBe(A.seq.ssrc);
      expect(A.socket.counters.rtcpSent).toBe(sentSizes.length);
      expect(clock.pending).toBe(1); // only B's RTCP timer is left
      await B.socket.close(); // B's session closes with it (its BYE goes nowhere: A is gone)
      expect(B.session.closed).toBe(true);
      expect(clock.pending).toBe(0);
    });
  }

  it('enabled: false sends no RTCP (no reports, no BYE) but still digests what arrives', async () => {
    const { A, B, clock, step } = await endpoints(20, false, false);
    let sentByB = 0;
    B.socket.on('rtcpSent', () => sentByB++);
    A.pacer.start();
    B.pacer.start();
    while (clock.now() < 8000) await step();
    expect(A.srs.length).toBe(0);
    expect(sentByB).toBe(0);
    expect(A.socket.counters.rtcpReceived).toBe(0);
    // B heard A's SRs (and its stats record them for LSR/DLSR) although it never answers.
    expect(B.srs.length).toBeGreaterThan(0);
    expect(B.stats.snapshot().packetsReceived).toBeGreaterThan(300);
    A.pacer.stop();
    B.pacer.stop();
    B.session.close();
    await new Promise((r) => setImmediate(r));
    expect(B.socket.counters.rtcpSent).toBe(0);
  });
});
