import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as rtpSrtp from '../src/index.js';

describe('public surface (issue 8)', () => {
  it('the RFC 3711 §4.3 key-derivation internals are not in the barrel', () => {
    for (const name of ['deriveSrtpKeys', 'srtpPrf', 'SRTP_LABEL']) expect(Object.keys(rtpSrtp)).not.toContain(name);
    expect(Object.keys(rtpSrtp)).toContain('SrtpContext');
  });

  it('index.ts carries no merge-marker comments', () => {
    expect(readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')).not.toMatch(/^\s*\/\/\s*-{3}/m);
  });
});
