import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CodecError, readWav, writeWav } from '../src/index.js';
import type { CodecErrorCode } from '../src/index.js';

/** Build a WAV file from chunks: [id, body] pairs after the RIFF/WAVE header. */
function riff(chunks: [string, Uint8Array][], form = 'WAVE'): Uint8Array {
  const parts: number[] = [];
  const ascii = (s: string): void => {
    for (const ch of s) parts.push(ch.charCodeAt(0));
  };
  const u32 = (v: number): void => {
    parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  };
  ascii(form);
  for (const [id, body] of chunks) {
    ascii(id);
    u32(body.length);
    parts.push(...body);
    if (body.length & 1) parts.push(0);
  }
  const out = [...'RIFF'].map((c) => c.charCodeAt(0));
  const size = parts.length;
  out.push(size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, (size >>> 24) & 0xff);
  return Uint8Array.from([...out, ...parts]);
}

function fmt(opts: { format?: number; channels?: number; rate?: number; bits?: number; byteRate?: number; align?: number } = {}): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  const rate = opts.rate ?? 8000;
  v.setUint16(0, opts.format ?? 1, true);
  v.setUint16(2, opts.channels ?? 1, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, opts.byteRate ?? rate * 2, true);
  v.setUint16(12, opts.align ?? 2, true);
  v.setUint16(14, opts.bits ?? 16, true);
  return b;
}

function codeOf(f: () => unknown): CodecErrorCode | 'no error' | 'other error' {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e instanceof CodecError ? e.code : 'other error';
  }
}

describe('RIFF/WAVE PCM16 mono', () => {
  it('RIFF WAVE: writeWav produces the canonical 44-byte header', () => {
    const bytes = writeWav(Int16Array.of(1, -2, 32767), 16000);
    const v = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
    expect(v.getUint32(4, true)).toBe(36 + 6);
    expect(new TextDecoder().decode(bytes.subarray(8, 16))).toBe('WAVEfmt ');
    expect([v.getUint32(16, true), v.getUint16(20, true), v.getUint16(22, true)]).toEqual([16, 1, 1]);
    expect([v.getUint32(24, true), v.getUint32(28, true), v.getUint16(32, true), v.getUint16(34, true)]).toEqual([16000, 32000, 2, 16]);
    expect(new TextDecoder().decode(bytes.subarray(36, 40))).toBe('data');
    expect(v.getUint32(40, true)).toBe(6);
    expect(Array.from(bytes.subarray(44))).toEqual([1, 0, 0xfe, 0xff, 0xff, 0x7f]);
  });

  it('RIFF WAVE: writeWav with two channels writes interleaved stereo (channels 2, block align 4)', () => {
    const bytes = writeWav(Int16Array.of(1, -1, 2, -2), 8000, 2);
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(28, true)).toBe(32000);
    expect(view.getUint16(32, true)).toBe(4);
    expect(view.getUint32(40, true)).toBe(8);
    expect([0, 1, 2, 3].map((i) => view.getInt16(44 + 2 * i, true))).toEqual([1, -1, 2, -2]);
    expect(() => writeWav(Int16Array.of(1, 2, 3), 8000, 2)).toThrow(RangeError);
  });

  it('RIFF WAVE: a stereo file is WAV_UNSUPPORTED_FORMAT unless downmix, which averages the channels (toward −∞)', () => {
    const stereo = writeWav(Int16Array.of(100, 300, -1, 0, 32767, 32767, -32768, -32768), 48000, 2);
    expect(() => readWav(stereo)).toThrow(expect.objectContaining({ code: 'WAV_UNSUPPORTED_FORMAT' }));
    expect(readWav(stereo, { downmix: true })).toEqual({ samples: Int16Array.of(200, -1, 32767, -32768), sampleRate: 48000 });
  });

  it('RIFF WAVE: readWav∘writeWav is the identity', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 500 }), fc.constantFrom(8000, 16000, 44100, 48000), (s, rate) => {
        const samples = Int16Array.from(s);
        const back = readWav(writeWav(samples, rate));
        expect(back.sampleRate).toBe(rate);
        expect(Array.from(back.samples)).toEqual(s);
      }),
    );
  });

  it('RIFF: skips unknown and odd-sized chunks (pad byte) and reads from an unaligned offset', () => {
    const data = Uint8Array.of(0x34, 0x12, 0xff, 0xff);
    const file = riff([['LIST', Uint8Array.of(1, 2, 3)], ['fmt ', fmt()], ['fact', new Uint8Array(4)], ['data', data]]);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const { samples, sampleRate } = readWav(shifted.subarray(1));
    expect(sampleRate).toBe(8000);
    expect(Array.from(samples)).toEqual([0x1234, -1]);
  });

  it('WAVE_FORMAT_EXTENSIBLE with the PCM sub-format is accepted', () => {
    const ext = new Uint8Array(40);
    ext.set(fmt({ format: 0xfffe }));
    new DataView(ext.buffer).setUint16(16, 22, true);
    new DataView(ext.buffer).setUint16(24, 1, true); // KSDATAFORMAT_SUBTYPE_PCM starts with 0x0001
    expect(readWav(riff([['fmt ', ext], ['data', new Uint8Array(2)]])).samples.length).toBe(1);
  });

  const cases: Record<string, [Uint8Array, CodecErrorCode]> = {
    'empty input': [new Uint8Array(0), 'WAV_NOT_RIFF'],
    'RIFX (big-endian) file': [Uint8Array.from([...'RIFX'].map((c) => c.charCodeAt(0)).concat(0, 0, 0, 0, 87, 65, 86, 69)), 'WAV_NOT_RIFF'],
    'AVI form': [riff([], 'AVI '), 'WAV_NOT_WAVE'],
    'no chunks': [riff([]), 'WAV_NO_FMT'],
    'data before fmt': [riff([['data', new Uint8Array(2)], ['fmt ', fmt()]]), 'WAV_NO_FMT'],
    'no data chunk': [riff([['fmt ', fmt()]]), 'WAV_NO_DATA'],
    'short fmt': [riff([['fmt ', new Uint8Array(14)], ['data', new Uint8Array(2)]]), 'WAV_BAD_FMT'],
    'A-law format': [riff([['fmt ', fmt({ format: 6, bits: 8, align: 1, byteRate: 8000 })], ['data', new Uint8Array(2)]]), 'WAV_UNSUPPORTED_FORMAT'],
    stereo: [riff([['fmt ', fmt({ channels: 2, align: 4, byteRate: 32000 })], ['data', new Uint8Array(4)]]), 'WAV_UNSUPPORTED_FORMAT'],
    '8-bit': [riff([['fmt ', fmt({ bits: 8, align: 1, byteRate: 8000 })], ['data', new Uint8Array(2)]]), 'WAV_UNSUPPORTED_FORMAT'],
    'zero rate': [riff([['fmt ', fmt({ rate: 0, byteRate: 0 })], ['data', new Uint8Array(2)]]), 'WAV_BAD_FMT'],
    'inconsistent byte rate': [riff([['fmt ', fmt({ byteRate: 1234 })], ['data', new Uint8Array(2)]]), 'WAV_BAD_FMT'],
  };
  for (const [name, [bytes, code]] of Object.entries(cases)) {
    it(`RIFF WAVE malformed: ${name} -> ${code}`, () => {
      expect(codeOf(() => readWav(bytes))).toBe(code);
    });
  }

  it('RIFF: a data chunk longer than the file is WAV_TRUNCATED unless allowTruncated', () => {
    const good = writeWav(Int16Array.of(1, 2, 3, 4), 8000);
    const cut = good.subarray(0, good.length - 3);
    expect(codeOf(() => readWav(cut))).toBe('WAV_TRUNCATED');
    expect(Array.from(readWav(cut, { allowTruncated: true }).samples)).toEqual([1, 2]);
    expect(codeOf(() => readWav(good.subarray(0, 40)))).toBe('WAV_TRUNCATED');
  });

  it('limits: data beyond maxDataBytes is WAV_TOO_LARGE', () => {
    const file = writeWav(new Int16Array(100), 8000);
    expect(codeOf(() => readWav(file, { maxDataBytes: 199 }))).toBe('WAV_TOO_LARGE');
    expect(readWav(file, { maxDataBytes: 200 }).samples.length).toBe(100);
  });

  it('fuzz: arbitrary bytes and mutated files only ever throw CodecError', () => {
    const base = riff([['LIST', Uint8Array.of(1, 2, 3)], ['fmt ', fmt()], ['data', new Uint8Array(20)]]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }).map((edits) => {
            const b = base.slice();
            for (const [at, v] of edits) b[at] = v;
            return b;
          }),
          fc.nat(base.length).map((n) => base.slice(0, n)),
        ),
        (bytes) => {
          expect(codeOf(() => readWav(bytes))).not.toBe('other error');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('writeWav rejects bad sample rates (API misuse)', () => {
    expect(() => writeWav(new Int16Array(1), 0)).toThrow(RangeError);
    expect(() => writeWav(new Int16Array(1), 8000.5)).toThrow(RangeError);
  });
});
