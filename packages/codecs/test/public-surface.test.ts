import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as codecs from '../src/index.js';

describe('public surface (issue 8)', () => {
  it('the FIR design helpers are internal to the resampler, not in the barrel', () => {
    for (const name of ['besselI0', 'kaiserBeta', 'kaiserOrder', 'kaiserLowpass']) expect(Object.keys(codecs)).not.toContain(name);
    expect(Object.keys(codecs)).toContain('Resampler');
  });

  it('index.ts carries no merge-marker comments', () => {
    expect(readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')).not.toMatch(/^\s*\/\/\s*-{3}/m);
  });
});
