import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RTCP_COMPENSATION, msToNtpShort, ntpFromUnixMs, ntpMiddle32, ntpToUnixMs, rtcpInterval, rttFromReport, updateAvgRtcpSize } from '../src/index.js';

describe('RFC 3550 §6.4.1 round-trip time from LSR/DLSR', () => {
  it('the RFC example: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000 gives 6.125 s', () => {
    expect(rttFromReport(0xb7108000, 0xb7052000, 0x00054000)).toBe(6125);
  });
  it('no RTT before an SR was received (LSR = 0)', () => {
    expect(rttFromReport(0xb7108000, 0, 0)).toBeUndefined();
  });
  it('works across the 16.16 wrap', () => {
    expect(rttFromReport(0x00001000, 0xffff0000, 0x00000000)).toBeCloseTo(((0x10000 + 0x1000) * 1000) / 65536, 9);
  });
  it('a negative result (clock trouble) yields undefined', () => {
    expect(rttFromReport(0x00010000, 0x00010000, 0x00000100)).toBeUndefined();
  });
});

describe('RFC 3550 §4 NTP timestamps', () => {
  it('Unix epoch is NTP second 2208988800', () => {
    expect(ntpFromUnixMs(0)).toEqual({ seconds: 2208988800, fraction: 0 });
  });
  it('half a second is fraction 2^31, middle 32 bits are 16.16', () => {
    const ntp = ntpFromUnixMs(1500);
    expect(ntp.fraction).toBe(0x80000000);
    expect(ntpMiddle32(ntp)).toBe((((2208988801 & 0xffff) << 16) | 0x8000) >>> 0);
  });
  it('round-trips to within a microsecond, across the 2036 era change', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (ms) => {
        expect(Math.abs(ntpToUnixMs(ntpFromUnixMs(ms)) - ms)).toBeLessThan(0.001);
      }),
    );
  });
  it('DLSR units are 1/65536 s', () => {
    expect(msToNtpShort(5250)).toBe(0x54000);
  });
});

describe('RFC 3550 §6.2/§A.7 RTCP transmission interval', () => {
  const base = { members: 2, senders: 2, rtcpBandwidth: 200, weSent: true, avgRtcpSize: 100, initial: false };

  it('two-party call: the 5 s minimum dominates, then randomization and compensation', () => {
    // 100 B · 2 members / 200 B/s = 1 s, below the 5 s minimum.
    expect(rtcpInterval({ ...base, random: 0.5 })).toBeCloseTo(5 / RTCP_COMPENSATION, 12);
    expect(rtcpInterval({ ...base, random: 0 })).toBeCloseTo(2.5 / RTCP_COMPENSATION, 12);
  });

  it('initial interval halves the minimum', () => {
    expect(rtcpInterval({ ...base, initial: true, random: 0.5 })).toBeCloseTo(2.5 / RTCP_COMPENSATION, 12);
  });

  it('§6.2: few senders share 25% of the bandwidth, receivers 75%', () => {
    const large = { members: 1000, senders: 2, rtcpBandwidth: 1000, avgRtcpSize: 100, initial: false, random: 0.5 };
    // A sender: 100·2 / (25% of 1000) = 0.8 s, raised to the 5 s minimum.
    expect(rtcpInterval({ ...large, weSent: true })).toBeCloseTo(5 / RTCP_COMPENSATION, 9);
    // A receiver: 100·998 / (75% of 1000) = 133 s.
    expect(rtcpInterval({ ...large, weSent: false })).toBeCloseTo(((100 * 998) / 750) / RTCP_COMPENSATION, 9);
  });

  it('is a pure function of its inputs and stays within [0.5, 1.5) of the deterministic value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 20, max: 1500, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (members, senderShare, bw, size, weSent, r) => {
          const senders = Math.floor(members * senderShare);
          const input = { members, senders, rtcpBandwidth: bw, weSent, avgRtcpSize: size, initial: false, random: r };
          const t = rtcpInterval(input);
          expect(rtcpInterval(input)).toBe(t);
          const lo = rtcpInterval({ ...input, random: 0 });
          expect(t).toBeGreaterThanOrEqual(lo);
          expect(t).toBeLessThan(lo * 3 + 1e-9);
          expect(lo * RTCP_COMPENSATION).toBeGreaterThanOrEqual(2.5 - 1e-9); // half of the 5 s minimum
        },
      ),
    );
  });

  it('rejects nonsense inputs as misuse', () => {
    expect(() => rtcpInterval({ ...base, members: 0, random: 0.1 })).toThrow(RangeError);
    expect(() => rtcpInterval({ ...base, random: 1 })).toThrow(RangeError);
  });

  it('§6.3.3 average size moves 1/16 toward each new packet', () => {
    expect(updateAvgRtcpSize(100, 260)).toBe(110);
  });
});
