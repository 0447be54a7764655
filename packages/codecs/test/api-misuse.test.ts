import { TrunklineError } from '@trunkline/errors';
import { describe, expect, it } from 'vitest';
import {
  DtmfDetector,
  Framer,
  Resampler,
  SilenceDetector,
  decodePcma,
  decodePcmu,
  encodePcma,
  encodePcmu,
  generateDtmf,
  readWav,
  rms,
  rmsDbfs,
  writeWav,
} from '../src/index.js';

/** Calls with the wrong argument type, each with the argument name its TypeError must carry. */
const misuse: Record<string, [() => unknown, RegExp]> = {
  'encodePcmu([1, 2, 3]) (issue 8, fault 6: was silently accepted)': [() => encodePcmu([1, 2, 3] as never), /encodePcmu: pcm must be an Int16Array, got Array/],
  'encodePcmu(pcm, out: number[])': [() => encodePcmu(new Int16Array(2), [0, 0] as never), /encodePcmu: out must be a Uint8Array/],
  'encodePcma(Float32Array)': [() => encodePcma(new Float32Array(3) as never), /encodePcma: pcm must be an Int16Array, got Float32Array/],
  'decodePcmu("ff")': [() => decodePcmu('ff' as never), /decodePcmu: bytes must be a Uint8Array, got string/],
  'decodePcma(undefined)': [() => decodePcma(undefined as never), /decodePcma: bytes must be a Uint8Array, got undefined/],
  'decodePcma(bytes, out: Uint8Array)': [() => decodePcma(new Uint8Array(2), new Uint8Array(2) as never), /decodePcma: out must be an Int16Array/],
  'Resampler.process([0])': [() => new Resampler({ fromRate: 8000, toRate: 16000 }).process([0] as never), /Resampler.process: input must be an Int16Array/],
  'Resampler.flush(out: number[])': [() => new Resampler({ fromRate: 8000, toRate: 16000 }).flush([] as never), /Resampler.flush: out must be an Int16Array/],
  'Framer.push(null)': [() => new Framer({ sampleRate: 8000 }).push(null as never), /Framer.push: pcm must be an Int16Array, got null/],
  'SilenceDetector.process(42)': [() => new SilenceDetector({ sampleRate: 8000 }).process(42 as never), /SilenceDetector.process: samples must be an Int16Array, got number/],
  'DtmfDetector.process([])': [() => new DtmfDetector().process([] as never), /DtmfDetector.process: samples must be an Int16Array/],
  'rms([1])': [() => rms([1] as never), /rms: samples must be an Int16Array/],
  'rmsDbfs({})': [() => rmsDbfs({} as never), /rmsDbfs: samples must be an Int16Array, got Object/],
  'readWav(ArrayBuffer)': [() => readWav(new ArrayBuffer(44) as never), /readWav: bytes must be a Uint8Array, got ArrayBuffer/],
  'writeWav(number[])': [() => writeWav([1, 2] as never, 8000), /writeWav: samples must be an Int16Array/],
  'generateDtmf(42)': [() => generateDtmf(42 as never), /generateDtmf: digits must be a string, got number/],
};

describe('API misuse throws a TypeError naming the argument', () => {
  for (const [name, [call, message]] of Object.entries(misuse)) {
    it(name, () => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    });
  }

  it('a Buffer is a Uint8Array and is accepted', () => {
    expect(decodePcmu(Buffer.from([0xff, 0x7f])).length).toBe(2);
  });
});

describe('errors convention (issue 8)', () => {
  it('CodecError is a TrunklineError with a WAV_ code and an offset', () => {
    try {
      readWav(new Uint8Array(12));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TrunklineError);
      expect(e).toMatchObject({ name: 'CodecError', code: 'WAV_NOT_RIFF', offset: 0 });
    }
  });
});
