import { describe, expect, it } from 'vitest';
import { RTCP_COMPENSATION, RtcpScheduler, rtcpInterval, type RtcpPacket } from '../src/index.js';
import { seededRandom as seeded } from '@trunkline/test-support';

const fixed = (r: number) => () => r;
const rr = (ssrc: number): RtcpPacket => ({ type: 'rr', ssrc, reports: [], profileExtension: new Uint8Array(0) });
const bye = (...ssrcs: number[]): RtcpPacket => ({ type: 'bye', ssrcs });
const PEER = 0xbbbb;
const T0 = 1_000_000; // arbitrary monotonic start

describe('RFC 3550 §6.2, §6.3.2 initial interval: Tmin halved to 2.5 s, ×[0.5, 1.5), ÷ (e − 3/2)', () => {
  const cases = {
    'random 0 → 1.25 s / 1.21828': [0, 1250 / RTCP_COMPENSATION],
    'random 0.5 → 2.5 s / 1.21828': [0.5, 2500 / RTCP_COMPENSATION],
    'random → 1 → 3.75 s / 1.21828': [0.999999, (2500 * 1.499999) / RTCP_COMPENSATION],
  } as const;
  for (const [name, [r, expected]] of Object.entries(cases)) {
    it(name, () => {
      const s = new RtcpScheduler(T0, { random: fixed(r) });
      expect((s.nextDeadline ?? 0) - T0).toBeCloseTo(expected, 6);
      expect(s.initial).toBe(true);
      expect(s.onTimer(s.nextDeadline ?? 0)).toBe('send-report'); // same draw: tp + T ≤ tc
      expect(s.initial).toBe(false);
    });
  }

  it('with a seeded random, the first report (after reconsideration) always falls in [1.026 s, 3.078 s)', () => {
    const random = seeded(42);
    for (let i = 0; i < 500; i++) {
      const s = new RtcpScheduler(0, { random });
      let now = s.nextDeadline ?? 0;
      while (s.onTimer(now) !== 'send-report') now = s.nextDeadline ?? 0;
      expect(now).toBeGreaterThanOrEqual(1250 / RTCP_COMPENSATION);
      expect(now).toBeLessThan(3750 / RTCP_COMPENSATION);
    }
  });
});

describe('RFC 3550 §6.2, §6.3.1 two-party G.711 call: RTCP bw = 5% of 64 kbit/s = 400 octets/s', () => {
  it('the bandwidth-derived interval (2 × 100 B / 400 B/s = 0.5 s) is below Tmin, so Tmin = 5 s rules', () => {
    const det = rtcpInterval({ members: 2, senders: 2, rtcpBandwidth: 400, weSent: true, avgRtcpSize: 100, initial: false, random: 0.5, minInterval: 0 }) * RTCP_COMPENSATION;
    expect(det).toBeCloseTo(0.5, 9);
    expect(new RtcpScheduler(0).avgRtcpSize).toBe(100);
  });

  it('§6.3.6 with timer reconsideration the long-run mean interval is ≈ 5 s (compensation e − 3/2), each within [2.05 s, 6.16 s)', () => {
    const s = new RtcpScheduler(0, { random: seeded(7), sessionBandwidth: 64_000, localSsrc: 1 });
    const sends: number[] = [];
    while (sends.length < 4000) {
      const now = s.nextDeadline ?? Number.NaN;
      // Both parties keep sending media and reports, so members = senders = 2.
      s.onRtpSent(now);
      s.onRtpReceived({ ssrc: PEER }, now);
      s.onRtcpReceived([rr(PEER)], 100, now);
      if (s.onTimer(now) === 'send-report') {
        sends.push(now);
        s.onRtcpSent(100, now);
      }
    }
    expect(s.members).toBe(2);
    expect(s.senders).toBe(2);
    const gaps = sends.slice(1).map((t, i) => t - (sends[i] ?? 0));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(4900);
    expect(mean).toBeLessThan(5100);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(2500 / RTCP_COMPENSATION - 1e-6);
      expect(g).toBeLessThan(7500 / RTCP_COMPENSATION);
    }
  });
});

describe('RFC 3550 §6.3.6 timer reconsideration', () => {
  it('members joining before the timer fires push the report back to tp + T (no packet sent)', () => {
    const s = new RtcpScheduler(T0, { random: fixed(0.5), rtcpBandwidth: 400 });
    const first = s.nextDeadline ?? 0;
    for (let i = 0; i < 300; i++) s.onRtcpReceived([rr(1000 + i)], 100, T0 + 1000);
    expect(s.members).toBe(301);
    expect(s.onTimer(first - 1)).toBe('reschedule'); // early call: nothing changes
    expect(s.nextDeadline).toBe(first);
    expect(s.onTimer(first)).toBe('reschedule');
    // 301 receivers share 75% of 400 B/s: Td = 301 × 100 / 300 s; T = Td / (e − 3/2) at random 0.5.
    const t = ((301 * 100) / 300 / RTCP_COMPENSATION) * 1000;
    expect(s.nextDeadline).toBeCloseTo(T0 + t, 6);
    expect(s.pmembers).toBe(301);
    expect(s.onTimer(s.nextDeadline ?? 0)).toBe('send-report');
    expect(s.lastTransmission).toBeCloseTo(T0 + t, 6);
  });
});

describe('RFC 3550 §6.3.4 reverse reconsideration', () => {
  function crowded() {
    const s = new RtcpScheduler(T0, { random: fixed(0.5), rtcpBandwidth: 400 });
    for (let i = 0; i < 300; i++) s.onRtcpReceived([rr(1000 + i)], 100, T0 + 1000);
    s.onTimer(s.nextDeadline ?? 0); // reschedule: pmembers = 301
    return s;
  }

  it('BYEs that drop members below pmembers pull tn and tp toward now by members/pmembers', () => {
    const s = crowded();
    const tn = s.nextDeadline ?? 0;
    const tp = s.lastTransmission;
    const tc = T0 + 10_000;
    s.onRtcpReceived([rr(1000), bye(...Array.from({ length: 200 }, (_, i) => 1000 + i))], 100, tc);
    expect(s.members).toBe(101);
    expect(s.nextDeadline).toBeCloseTo(tc + (101 / 301) * (tn - tc), 6);
    expect(s.lastTransmission).toBeCloseTo(tc - (101 / 301) * (tc - tp), 6);
    expect(s.pmembers).toBe(101);
  });

  it('a BYE from an unknown source changes nothing', () => {
    const s = crowded();
    const tn = s.nextDeadline;
    s.onRtcpReceived([rr(1), bye(0xdead)], 100, T0 + 5000);
    expect(s.members).toBe(302);
    expect(s.nextDeadline).toBe(tn);
  });
});

describe('RFC 3550 §6.3.5 timing out an SSRC, §6.3.8 updating we_sent', () => {
  it('a member silent for M·Td (5 × 5 s) is removed at a timer expiry; silent senders after 2T', () => {
    const s = new RtcpScheduler(0, { random: fixed(0.5), localSsrc: 1 });
    s.onRtpSent(0);
    s.onRtpReceived({ ssrc: PEER, csrc: [0x77] }, 0);
    s.onRtpReceived({ ssrc: 1 }, 0); // our own SSRC looped back is not a member
    expect([s.members, s.senders, s.weSent]).toEqual([3, 2, true]);
    // Only the CSRC keeps talking (via RTCP) at each expiry; nobody sends RTP any more.
    let now = 0;
    const seen: Array<[number, number, number]> = [];
    while (now < 40_000) {
      now = s.nextDeadline ?? 0;
      s.onRtcpReceived([rr(0x77)], 100, now);
      s.onTimer(now);
      seen.push([now, s.members, s.senders]);
    }
    // senders drop to 0 within 2 intervals (< 2 × 6.16 s + one interval of checking).
    const noSenders = seen.find(([, , senders]) => senders === 0);
    expect(noSenders?.[0]).toBeLessThan(20_000);
    expect(s.weSent).toBe(false);
    // The peer goes after 25 s of silence (checked at each expiry), the CSRC stays.
    const gone = seen.find(([, members]) => members === 2);
    expect(gone?.[0]).toBeGreaterThanOrEqual(25_000);
    expect(gone?.[0]).toBeLessThan(25_000 + 7500 / RTCP_COMPENSATION);
    expect(s.hasMember(PEER)).toBe(false);
    expect(s.hasMember(0x77)).toBe(true);
  });
});

describe('RFC 3550 §6.3.3 avg_rtcp_size', () => {
  it('moves 1/16 toward every compound packet sent or received', () => {
    const s = new RtcpScheduler(0, { initialAvgRtcpSize: 100 });
    s.onRtcpReceived([rr(5)], 260, 10);
    expect(s.avgRtcpSize).toBe(110);
    s.onRtcpSent(270, 20);
    expect(s.avgRtcpSize).toBe(120);
  });
  it('rejects a non-positive size as misuse', () => {
    expect(() => new RtcpScheduler(0).onRtcpSent(0, 0)).toThrow(RangeError);
  });
});

describe('RFC 3550 §6.3.7 transmitting a BYE', () => {
  it('a participant that never sent RTP or RTCP sends no BYE', () => {
    const s = new RtcpScheduler(0);
    s.onRtpReceived({ ssrc: PEER }, 5);
    expect(s.leave(10)).toBe('idle');
    expect(s.state).toBe('closed');
    expect(s.nextDeadline).toBeUndefined();
  });

  it('fewer than 50 members: the BYE goes immediately; leave() is idempotent and the timer stops', () => {
    const s = new RtcpScheduler(0);
    s.onRtpSent(1);
    s.onRtpReceived({ ssrc: PEER }, 2);
    expect(s.leave(10)).toBe('send-bye');
    expect(s.state).toBe('closed');
    expect(s.leave(11)).toBe('idle');
    expect(s.onTimer(1e9)).toBe('idle');
    expect(s.nextDeadline).toBeUndefined();
  });

  it('more than 50 members: back-off with members counting BYEs, then the BYE at a reconsidered time', () => {
    const s = new RtcpScheduler(T0, { random: fixed(0.5), rtcpBandwidth: 400 });
    s.onRtpSent(T0);
    for (let i = 0; i < 60; i++) s.onRtcpReceived([rr(1000 + i)], 100, T0);
    const leaveAt = T0 + 1000;
    expect(s.leave(leaveAt, 80)).toBe('reschedule');
    expect([s.state, s.members, s.pmembers, s.senders, s.weSent, s.initial, s.avgRtcpSize]).toEqual(['leaving', 1, 1, 0, false, true, 80]);
    expect(s.lastTransmission).toBe(leaveAt);
    const first = s.nextDeadline ?? 0;
    expect(first - leaveAt).toBeCloseTo(2500 / RTCP_COMPENSATION, 6);
    // Non-BYE RTCP is ignored; each BYE counts (and sizes the average).
    s.onRtcpReceived([rr(5)], 500, leaveAt + 10);
    expect([s.members, s.avgRtcpSize]).toEqual([1, 80]);
    for (let i = 0; i < 40; i++) s.onRtcpReceived([rr(2000 + i), bye(2000 + i)], 80, leaveAt + 20);
    expect(s.members).toBe(41);
    // 41 receivers × 80 B / (75% of 400 B/s) = 10.9 s > 2.5 s: reconsideration holds the BYE back.
    expect(s.onTimer(first)).toBe('reschedule');
    const later = s.nextDeadline ?? 0;
    expect(later - leaveAt).toBeCloseTo(((41 * 80) / 300 / RTCP_COMPENSATION) * 1000, 6);
    expect(s.onTimer(later)).toBe('send-bye');
    expect(s.state).toBe('closed');
  });
});
