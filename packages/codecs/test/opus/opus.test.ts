import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  crossCorrelate, generateChirp, isOpusLoaded, loadOpus, OpusDecoder, OpusEncoder, OpusError, opusPacketHasFec, opusPacketSamples,
  OPUS_MAX_FRAME_BYTES, type OpusSampleRate,
} from '../../src/index.js';

/** Encodes and decodes `pcm` 20 ms at a time into caller buffers. */
function roundTrip(pcm: Int16Array, rate: OpusSampleRate, encoder = new OpusEncoder({ sampleRate: rate })): Int16Array {
  const decoder = new OpusDecoder({ sampleRate: rate });
  const frame = rate / 50;
  const out = new Int16Array(pcm.length);
  const packet = new Uint8Array(OPUS_MAX_FRAME_BYTES);
  const pcmOut = new Int16Array(frame);
  for (let i = 0; i + frame <= pcm.length; i += frame) out.set(decoder.decode(encoder.encode(pcm.subarray(i, i + frame), packet), pcmOut), i);
  return out;
}

/** SNR (dB) of `decoded` against `input` at the lag the cross-correlation finds, skipping the first 100 ms. */
function quality(input: Int16Array, decoded: Int16Array, rate: number): { correlation: number; snrDb: number; lag: number } {
  const { peak, lagSamples } = crossCorrelate(input, decoded, { sampleRate: rate, maxLagMs: 30 });
  let signal = 0;
  let noise = 0;
  for (let n = rate / 10; n + lagSamples < decoded.length - rate / 50; n++) {
    signal += input[n]! ** 2;
    noise += (input[n]! - decoded[n + lagSamples]!) ** 2;
  }
  return { correlation: peak, snrDb: 10 * Math.log10(signal / noise), lag: lagSamples };
}

describe('Opus through WebAssembly libopus (RFC 6716, RFC 7587)', () => {
  it('before loadOpus() resolves, creating a codec throws OPUS_NOT_LOADED', async () => {
    expect(isOpusLoaded()).toBe(false);
    expect(() => new OpusEncoder()).toThrow(expect.objectContaining({ code: 'OPUS_NOT_LOADED' }));
    const first = loadOpus();
    expect(loadOpus()).toBe(first); // one load per process
    await first;
    expect(isOpusLoaded()).toBe(true);
    await loadOpus(); // resolves at once afterwards
  });

  // Measured: 16 kHz 0.987 / 16.9 dB; 48 kHz 0.950 / 11.1 dB (32 kbit/s, complexity 5, FEC on).
  it.each([
    [16000, 0.97, 13],
    [48000, 0.93, 8],
  ] as const)('a 200 Hz–7 kHz chirp at %i Hz comes back correlated ≥ %f, SNR ≥ %f dB, delay 6.5 ms', async (rate, minCorrelation, minSnr) => {
    await loadOpus();
    const chirp = generateChirp({ sampleRate: rate, durationMs: 1000, f0: 200, f1: 7000, amplitude: 8000 });
    const q = quality(chirp, roundTrip(chirp, rate), rate);
    expect(q.correlation).toBeGreaterThanOrEqual(minCorrelation);
    expect(q.snrDb).toBeGreaterThanOrEqual(minSnr);
    expect(Math.abs(q.lag - (rate * 6.5) / 1000)).toBeLessThanOrEqual(2); // libopus VoIP look-ahead
  });

  it('encode and decode write into the caller buffers and return views of them', async () => {
    await loadOpus();
    const encoder = new OpusEncoder({ sampleRate: 48000, bitrate: 24000, complexity: 3 });
    const decoder = new OpusDecoder({ sampleRate: 48000 });
    const packet = new Uint8Array(400);
    const pcm = new Int16Array(decoder.maxFrameSamples);
    const encoded = encoder.encode(new Int16Array(960), packet);
    expect(encoded.buffer).toBe(packet.buffer);
    expect(opusPacketSamples(encoded)).toBe(960); // RFC 7587 §4.2: timestamps advance 960 per 20 ms
    const decoded = decoder.decode(encoded, pcm);
    expect(decoded.buffer).toBe(pcm.buffer);
    expect(decoded.length).toBe(960);
    expect(encoder.bitrate).toBe(24000);
  });

  it('RFC 6716 §4.2.4: with inband FEC each packet after the first carries LBRR; without, none does', async () => {
    await loadOpus();
    const chirp = generateChirp({ sampleRate: 16000, durationMs: 400, f0: 200, f1: 3000, amplitude: 8000 });
    for (const inbandFec of [true, false]) {
      const encoder = new OpusEncoder({ inbandFec });
      let flagged = 0;
      for (let i = 0; i < chirp.length; i += 320) if (opusPacketHasFec(encoder.encode(chirp.subarray(i, i + 320)))) flagged++;
      expect(flagged).toBe(inbandFec ? 19 : 0);
    }
  });

  it('a lost frame rebuilt by decodeFec() from the next packet is closer to the original than conceal()', async () => {
    await loadOpus();
    const rate = 16000;
    const chirp = generateChirp({ sampleRate: rate, durationMs: 600, f0: 200, f1: 1200, amplitude: 8000 });
    const encoder = new OpusEncoder();
    const packets: Uint8Array[] = [];
    for (let i = 0; i < chirp.length; i += 320) packets.push(encoder.encode(chirp.subarray(i, i + 320)));
    const lost = 15;
    const decodeWith = (recover: (d: OpusDecoder, out: Int16Array) => Int16Array): Int16Array => {
      const decoder = new OpusDecoder();
      const out = new Int16Array(chirp.length);
      packets.forEach((p, k) => out.set(k === lost ? recover(decoder, new Int16Array(320)) : decoder.decode(p), k * 320));
      return out;
    };
    const fec = decodeWith((d, out) => d.decodeFec(packets[lost + 1]!, out));
    const plc = decodeWith((d, out) => d.conceal(out));
    const slot = (x: Int16Array): Int16Array => x.subarray(lost * 320 + 104, (lost + 1) * 320 + 104);
    const fecError = quality(chirp.subarray(lost * 320, (lost + 1) * 320), slot(fec), rate);
    const plcError = quality(chirp.subarray(lost * 320, (lost + 1) * 320), slot(plc), rate);
    expect(fecError.correlation).toBeGreaterThan(0.8);
    expect(fecError.correlation).toBeGreaterThan(plcError.correlation);
  });

  it('conceal() and decodeFec() produce exactly the asked duration (libopus fills frame_size)', async () => {
    await loadOpus();
    const decoder = new OpusDecoder({ sampleRate: 48000 });
    expect(decoder.conceal().length).toBe(960);
    expect(decoder.conceal(new Int16Array(960), 480).length).toBe(480);
    expect(decoder.decodeFec(new OpusEncoder({ sampleRate: 48000 }).encode(new Int16Array(960))).length).toBe(960);
    expect(() => decoder.conceal(new Int16Array(960), 100)).toThrow(RangeError);
    expect(() => decoder.conceal(new Int16Array(100))).toThrow(RangeError);
  });

  it('RFC 6716 §3.1: packet durations from the TOC', () => {
    expect(opusPacketSamples(Uint8Array.of(0x08))).toBe(960); // SILK NB 20 ms, code 0
    expect(opusPacketSamples(Uint8Array.of(0x18), 16000)).toBe(960); // SILK NB 60 ms
    expect(opusPacketSamples(Uint8Array.of(0xfc | 1))).toBe(1920); // CELT FB 20 ms ×2 (code 1)
    expect(opusPacketSamples(Uint8Array.of(0x83, 0x05))).toBe(600); // CELT 2.5 ms ×5 (code 3)
    expect(() => opusPacketSamples(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'OPUS_INVALID_PACKET' }));
    expect(() => opusPacketSamples(Uint8Array.of(0x0b | 3, 0))).toThrow(OpusError);
    // Found by fast-check (seed 0x0b05): 13 × 10 ms in a code 3 packet is over §3.2.5's 120 ms.
    expect(() => opusPacketSamples(Uint8Array.of(7, 77))).toThrow(expect.objectContaining({ code: 'OPUS_INVALID_PACKET' }));
  });

  it('untrusted packets: any bytes decode or throw OpusError OPUS_INVALID_PACKET, never anything else', async () => {
    await loadOpus();
    const decoder = new OpusDecoder({ sampleRate: 16000 });
    const out = new Int16Array(decoder.maxFrameSamples);
    const seed = 0x0b05;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        try {
          expect(decoder.decode(bytes, out).length).toBeLessThanOrEqual(out.length);
        } catch (e) {
          expect(e).toBeInstanceOf(OpusError);
          expect((e as OpusError).code).toBe('OPUS_INVALID_PACKET');
        }
      }),
      { seed, numRuns: 300, verbose: true },
    );
    expect(decoder.conceal().length).toBe(320); // still usable
  });

  it('API misuse throws TypeError/RangeError naming the argument; a closed codec throws OPUS_CLOSED', async () => {
    await loadOpus();
    expect(() => new OpusEncoder({ sampleRate: 8000 as OpusSampleRate })).toThrow(/options\.sampleRate/);
    expect(() => new OpusEncoder({ bitrate: 5000 })).toThrow(/options\.bitrate/);
    expect(() => new OpusEncoder({ complexity: 11 })).toThrow(/options\.complexity/);
    expect(() => new OpusEncoder({ packetLossPercent: -1 })).toThrow(/options\.packetLossPercent/);
    const encoder = new OpusEncoder();
    expect(() => encoder.encode(new Int16Array(321))).toThrow(RangeError);
    expect(() => (encoder.bitrate = 1e6)).toThrow(/bitrate/);
    encoder.reset();
    encoder.close();
    encoder.close();
    expect(encoder.closed).toBe(true);
    expect(() => encoder.encode(new Int16Array(320))).toThrow(expect.objectContaining({ code: 'OPUS_CLOSED' }));
    const decoder = new OpusDecoder();
    decoder.close();
    expect(() => decoder.conceal()).toThrow(expect.objectContaining({ code: 'OPUS_CLOSED' }));
  });
});
