import { once } from 'node:events';
import { correlatePieces, generateDtmf } from '@trunkline/codecs';
import { MediaSocket, RtpSequencer, SrtpContext, generateSdesKeyParams, srtpTransform, type SrtpProfile } from '@trunkline/rtp-srtp';
import { describe, expect, it } from 'vitest';
import { CallMedia, CallMediaError, StereoWavRecorder } from '../../src/media/index.js';
import { bestCorrelation, chirp, concat, rmsOf } from './support/audio.js';
import { activeTimers, closeAfterEach, collect, delay, echo, loopbackPorts, negotiate, openPair } from './support/loopback.js';

const track = closeAfterEach();

describe('CallMedia on loopback: chirp through an echoing peer', () => {
  const cases: { name: string; srtp: SrtpProfile | null; rtcpMux: boolean }[] = [
    { name: 'plain RTP, RTCP on port + 1', srtp: null, rtcpMux: false },
    { name: 'SRTP AES_CM_128_HMAC_SHA1_80 (RFC 4568 keys), rtcp-mux (RFC 5761)', srtp: 'AES_CM_128_HMAC_SHA1_80', rtcpMux: true },
  ];
  for (const c of cases) {
    it(`${c.name}: the sweep comes back (correlation ≥ 0.9), metrics plausible, close() releases everything`, async () => {
      const timersBefore = activeTimers();
      const ports = loopbackPorts();
      // A fixed 80 ms playout delay: an adaptive shrink or a timer stall on a loaded CI box would
      // shift the echo by a frame mid-sweep, which a single-lag correlation punishes.
      const jitter = { minDelayMs: 80, initialDelayMs: 80 };
      const { a, b } = track(
        await openPair(ports, { sampleRate: 16000, rtcpMinIntervalMs: 300, jitter }, { sampleRate: 8000, rtcpMinIntervalMs: 300, jitter }, { srtp: c.srtp, rtcpMux: c.rtcpMux }),
      );
      const errors: Error[] = [];
      a.on('error', (e) => errors.push(e));
      b.on('error', (e) => errors.push(e));
      const echoing = echo(b);
      const heard = collect(a);
      const sweep = chirp({ sampleRate: 16000, seconds: 1 });
      const sent = once(a, 'mark');
      await a.audio.write(sweep);
      a.audio.mark('sweep');
      expect(await sent).toEqual([{ name: 'sweep', cleared: false }]);
      await delay(600); // the echo's round trip, and RTCP reports both ways
      const ma = a.metrics;
      const mb = b.metrics;
      await Promise.all([a.close(), b.close()]);
      await Promise.all([heard.done, echoing]);

      const received = concat(heard.frames);
      const corr = bestCorrelation(sweep, received, 8000);
      // Judged piece by piece (50 ms, each at its own lag): a timer stall on a loaded box may slip the echo by a frame.
      const pieces = correlatePieces(sweep, received, { sampleRate: 16000, pieceMs: 50, maxLagMs: 1000 });
      console.log(`${c.name}: correlation ${corr.value.toFixed(4)} at ${(corr.lag / 16).toFixed(1)} ms round trip, piece median ${pieces.median.toFixed(4)}; A`, JSON.stringify(ma));
      expect(pieces.median).toBeGreaterThanOrEqual(0.9);
      for (const m of [ma, mb]) {
        expect(m.codec).toBe('PCMU');
        expect(m.payloadType).toBe(0);
        expect(m.srtpSuite).toBe(c.srtp);
        expect(m.packetsSent).toBeGreaterThan(50);
        expect(m.packetsReceived).toBeGreaterThan(50);
        expect(m.bytesSent).toBeGreaterThanOrEqual(m.packetsSent * 172);
        expect(m.packetsLost).toBe(0);
        expect(m.lossPercent).toBe(0);
        expect(m.jitterMs).toBeLessThan(30);
        expect(m.mos).toBeGreaterThan(4);
        expect(m.oneWayAudio).toBe('none');
        expect(m.drops.unprotect + m.drops.parse + m.drops.payloadType).toBe(0);
      }
      expect(ma.rttMs ?? mb.rttMs).not.toBeNull(); // RFC 3550 §6.4.1 LSR/DLSR, from the reports of either side
      expect(Math.max(ma.rttMs ?? 0, mb.rttMs ?? 0)).toBeLessThan(250);
      expect(ma.remote).toEqual({ address: '127.0.0.1', port: b.localPort });
      expect(errors).toEqual([]);
      expect([...ports.inUse]).toEqual([]);
      expect(a.closed && b.closed).toBe(true);
      expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
    });
  }
});

describe('CallMedia: barge-in and marks as the peer hears them', () => {
  it('clear() stops the old audio within one frame at the peer; pending marks fire as cleared', async () => {
    const ports = loopbackPorts();
    let aOut = 0; // audible frames A has put on the wire
    const { a, b } = track(
      await openPair(ports, { record: { onFrame: (d, f) => void (d === 'out' && rmsOf(f) > 1000 && aOut++) } }, {}),
    );
    const heard = collect(b);
    const tone = Int16Array.from({ length: 8000 * 3 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
    void a.audio.write(tone); // 3 s of prompt
    a.audio.mark('prompt-end');
    const marks: unknown[] = [];
    a.on('mark', (m) => marks.push(m));
    await delay(400);
    a.audio.clear();
    const sentBeforeClear = aOut;
    expect(a.audio.queuedMs).toBe(0);
    expect(marks).toEqual([{ name: 'prompt-end', cleared: true }]);
    await delay(400);
    await b.close();
    await heard.done;
    const audible = heard.frames.map((f) => rmsOf(f) > 1000);
    const firstAudible = audible.indexOf(true);
    const lastAudible = audible.lastIndexOf(true);
    console.log(`barge-in: ${sentBeforeClear} audible frames sent before clear(), peer heard ${audible.filter(Boolean).length}`);
    expect(aOut).toBe(sentBeforeClear); // nothing audible left A after clear()
    expect(sentBeforeClear).toBeGreaterThan(10);
    // The peer hears what was sent before clear() (± the frame split by resampling), then only silence.
    expect(lastAudible - firstAudible + 1).toBeLessThanOrEqual(sentBeforeClear + 1);
    expect(audible.slice(lastAudible + 1).length).toBeGreaterThan(5);
  });
});

describe('CallMedia: DTMF (RFC 4733 both ways, in-band optional)', () => {
  it('digits sent as telephone events arrive once each, with their duration, in both directions', async () => {
    const ports = loopbackPorts();
    const { a, b } = track(await openPair(ports, {}, { inbandDtmf: true }));
    const atA: unknown[] = [];
    const atB: unknown[] = [];
    a.on('dtmf', (e) => atA.push(e));
    b.on('dtmf', (e) => atB.push(e));
    await Promise.all([a.sendDtmf('12#', { durationMs: 100 }), b.sendDtmf('*D', { durationMs: 160 })]);
    await delay(150);
    expect(atB).toEqual([
      { digit: '1', durationMs: 100, source: 'rfc4733' },
      { digit: '2', durationMs: 100, source: 'rfc4733' },
      { digit: '#', durationMs: 100, source: 'rfc4733' },
    ]);
    expect(atA).toEqual([
      { digit: '*', durationMs: 160, source: 'rfc4733' },
      { digit: 'D', durationMs: 160, source: 'rfc4733' },
    ]);
    // In-band: tones in the audio itself, detected by the receiver that asked for it.
    atB.length = 0;
    await a.audio.write(generateDtmf('7', { sampleRate: 8000, toneMs: 100, gapMs: 100 }));
    await delay(400);
    expect(atB).toEqual([{ digit: '7', durationMs: 0, source: 'inband' }]);
  });

  it('sendDtmf: typed refusals, and abort drops the digits not started', async () => {
    const ports = loopbackPorts();
    const { a } = track(await openPair(ports, {}, {}, { telephoneEvent: false }));
    await expect(a.sendDtmf('1')).rejects.toMatchObject({ code: 'MEDIA_DTMF_NOT_NEGOTIATED' });
    expect(() => a.sendDtmf('1x')).toThrow(TypeError);
    const fresh = await CallMedia.open({ ports });
    track(fresh);
    await expect(fresh.sendDtmf('1')).rejects.toBeInstanceOf(CallMediaError);

    const { a: c, b: d } = track(await openPair(ports, {}, {}));
    const got: string[] = [];
    d.on('dtmf', (e) => got.push(e.digit));
    const ac = new AbortController();
    const p = c.sendDtmf('123456', { signal: ac.signal });
    await delay(50); // digit 1 under way
    ac.abort(new Error('user hung up the IVR'));
    await expect(p).rejects.toThrow('user hung up the IVR');
    await delay(300);
    expect(got).toEqual(['1']);
    const closing = c.sendDtmf('9');
    await c.close();
    await expect(closing).rejects.toMatchObject({ code: 'MEDIA_CLOSED' });
  });
});

describe('CallMedia: SRTP is authenticated before anything else', () => {
  it('SRTP under a wrong key, and plain RTP, are dropped and never move the latch', async () => {
    const ports = loopbackPorts();
    const a = await CallMedia.open({ ports });
    const b = await CallMedia.open({ ports });
    track({ a, b });
    const { forB } = negotiate(a, b, { srtp: 'AES_CM_128_HMAC_SHA1_80' });
    b.start(forB);
    const latched: unknown[] = [];
    b.on('latched', (r) => latched.push(r));
    const wrong = generateSdesKeyParams('AES_CM_128_HMAC_SHA1_80');
    const ctx = new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: wrong.masterKey, masterSalt: wrong.masterSalt });
    const attacker = await MediaSocket.open({ allocator: ports, remote: { address: '127.0.0.1', port: b.localPort }, transform: srtpTransform({ outbound: ctx, inbound: ctx }) });
    const plain = await MediaSocket.open({ allocator: ports, remote: { address: '127.0.0.1', port: b.localPort } });
    const seq = new RtpSequencer();
    for (let i = 0; i < 10; i++) {
      const pkt = { ...seq.next(160), marker: false, payloadType: 0, csrc: [], padding: 0, payload: new Uint8Array(160).fill(0x55) };
      attacker.sendRtp(pkt);
      plain.sendRtp(pkt);
    }
    await delay(150);
    await Promise.all([attacker.close(), plain.close()]);
    const m = b.metrics;
    expect(m.drops.unprotect).toBe(20);
    expect(m.packetsReceived).toBe(0);
    expect(m.remote).toEqual({ address: '127.0.0.1', port: a.localPort });
    expect(latched).toEqual([]);
  });

  it('before start() every packet is refused (nothing latches before we know the keying)', async () => {
    const ports = loopbackPorts();
    const a = await CallMedia.open({ ports });
    track(a);
    const sender = await MediaSocket.open({ allocator: ports, remote: { address: '127.0.0.1', port: a.localPort } });
    sender.sendRtp({ ...new RtpSequencer().next(160), marker: true, payloadType: 0, csrc: [], padding: 0, payload: new Uint8Array(160) });
    await delay(100);
    await sender.close();
    expect(a.metrics.drops.unprotect).toBe(1);
    expect(a.metrics.remote).toBeNull();
  });
});

describe('CallMedia: re-negotiation (update) and timeouts', () => {
  it('hold stops our sending, resume restarts it; a re-key and codec change keep the audio flowing', async () => {
    const ports = loopbackPorts();
    const { a, b, forB } = track(await openPair(ports, {}, {}, { srtp: 'AES_CM_128_HMAC_SHA1_80' }));
    await delay(200);
    // The peer holds us (RFC 3264 §8.4, a=recvonly on its side): B sends nothing.
    b.update({ ...forB, remoteHold: true });
    await delay(60);
    const before = a.metrics.packetsReceived;
    await delay(200);
    expect(a.metrics.packetsReceived).toBe(before);
    // c=0.0.0.0 too.
    b.update({ ...forB, remoteRtp: { address: '0.0.0.0', port: 9 }, remoteRtcp: { address: '0.0.0.0', port: 10 } });
    const sentByB = b.metrics.packetsSent;
    await delay(200);
    expect(a.metrics.packetsReceived).toBe(before);
    expect(b.metrics.packetsSent).toBe(sentByB);
    // Resume with fresh keys both ways and PCMA.
    const { forA: forA2, forB: forB2 } = negotiate(a, b, { srtp: 'AES_CM_128_HMAC_SHA1_80', codec: 'PCMA' });
    a.update(forA2);
    b.update(forB2);
    const heard = collect(a);
    await b.audio.write(chirp({ sampleRate: 8000, seconds: 0.5 }));
    await delay(800);
    const m = a.metrics;
    expect(m.packetsReceived).toBeGreaterThan(before + 30);
    expect(m.codec).toBe('PCMA');
    expect(m.drops.unprotect).toBeLessThanOrEqual(2); // at most what was in flight under the old key
    await a.close();
    await heard.done;
    // The read buffer still holds up to a second of concealed silence from the hold: search past it.
    // Piece by piece (each 50 ms at its own lag): a timer stall on a loaded box may slip the stream by a frame.
    expect(correlatePieces(chirp({ sampleRate: 8000, seconds: 0.5 }), concat(heard.frames), { sampleRate: 8000, pieceMs: 50, maxLagMs: 2500 }).median).toBeGreaterThan(0.9);
  });

  it("'media-timeout' fires once when no RTP arrives for mediaTimeoutMs", async () => {
    const ports = loopbackPorts();
    const a = await CallMedia.open({ ports, mediaTimeoutMs: 300 });
    const b = await CallMedia.open({ ports });
    track({ a, b });
    const { forA } = negotiate(a, b);
    a.start(forA); // b never starts: it sends nothing
    const events: unknown[] = [];
    a.on('media-timeout', (e) => events.push(e));
    await delay(700);
    expect(events).toHaveLength(1);
    expect((events[0] as { silentForMs: number }).silentForMs).toBeGreaterThanOrEqual(300);
    expect(a.metrics.oneWayAudio).toBe('none'); // still under the 5 s threshold
  });
});

describe('CallMedia: recording tap, stream adapters, misuse', () => {
  it('StereoWavRecorder keeps the caller left and the app right; Readable/Writable carry s16le PCM', async () => {
    const ports = loopbackPorts();
    const rec = new StereoWavRecorder({ sampleRate: 8000 });
    const { a, b } = track(await openPair(ports, { record: rec }, {}));
    const incoming = a.audio.readable();
    let bytesIn = 0;
    incoming.on('data', (d: Buffer) => (bytesIn += d.length));
    const sink = b.audio.writable();
    const tone = Int16Array.from({ length: 4000 }, (_, i) => Math.round(5000 * Math.sin(i / 3)));
    await new Promise<void>((r) => sink.write(Buffer.from(tone.buffer), () => r()));
    await a.audio.write(tone.subarray(0, 1600));
    await delay(700);
    await Promise.all([a.close(), b.close()]);
    expect(bytesIn % 320).toBe(0);
    expect(bytesIn).toBeGreaterThan(320 * 20);
    const wav = rec.toWav();
    const view = new DataView(wav.buffer);
    expect(view.getUint16(22, true)).toBe(2);
    const frames = (wav.length - 44) / 4;
    const left = Int16Array.from({ length: frames }, (_, i) => view.getInt16(44 + 4 * i, true));
    const right = Int16Array.from({ length: frames }, (_, i) => view.getInt16(46 + 4 * i, true));
    expect(rmsOf(left)).toBeGreaterThan(500); // B's tone, as A received it
    expect(rmsOf(right)).toBeGreaterThan(100); // A's 200 ms, as A sent it
    expect(rec.seconds).toBeGreaterThan(0.5);
  });

  it('a throwing listener or tap becomes an error event; the call keeps going', async () => {
    const ports = loopbackPorts();
    const { a, b } = track(await openPair(ports, { record: { onFrame: () => { throw new Error('tap broke'); } } }, {}));
    const errors: string[] = [];
    a.on('error', (e) => errors.push(e.message));
    a.on('mark', () => {
      throw new Error('listener broke');
    });
    a.audio.mark('x');
    await delay(200);
    expect(errors).toContain('tap broke');
    expect(errors).toContain('listener broke');
    expect(a.metrics.packetsSent).toBeGreaterThan(5);
    expect(b.metrics.packetsReceived).toBeGreaterThan(5);
  });

  it('options and media are validated: TypeError naming the field, CallMediaError for an unsupported codec', async () => {
    const ports = loopbackPorts();
    await expect(CallMedia.open({ ports, sampleRate: 11025 as 8000 })).rejects.toThrow(/options.sampleRate/);
    await expect(CallMedia.open({ ports, maxReadFrames: 0 })).rejects.toThrow(/options.maxReadFrames/);
    const a = await CallMedia.open({ ports });
    const b = await CallMedia.open({ ports });
    track({ a, b });
    const { forA } = negotiate(a, b);
    expect(() => a.start({ ...forA, codec: { name: 'opus', payloadType: 111, clockRate: 48000, channels: 2 } })).toThrow(
      expect.objectContaining({ code: 'MEDIA_UNSUPPORTED_CODEC', statusHint: 488 }),
    );
    expect(() => a.start({ ...forA, ptime: 5 })).toThrow(/media.ptime/);
    expect(() => a.audio.write('x' as unknown as Int16Array)).toThrow(TypeError);
    await a.close();
    await a.audio.write(new Int16Array(160)); // after close: resolves, dropped and counted
    expect(a.metrics.drops.writeOverflowMs).toBe(20);
  });
});
