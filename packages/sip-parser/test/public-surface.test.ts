import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPackages } from '@trunkline/test-support';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('public surface of the published declarations (issue 8)', () => {
  it('no `_` field of SipMessage, SipRequest or SipResponse ships in dist/*.d.ts (stripInternal)', () => {
    buildPackages([packageDir]);
    const dts = readFileSync(new URL('../dist/message.d.ts', import.meta.url), 'utf8');
    // `private _x;` keeps only a name (TypeScript's own marker for a private member); anything else is API.
    const leaked = dts.split('\n').filter((line) => /^\s*(?:readonly\s+|static\s+|declare\s+)*_\w*[(:?]/.test(line));
    expect(leaked).toEqual([]);
    expect(dts).toContain('class SipMessage');
  }, 120_000);

  it('index.ts carries no merge-marker comments', () => {
    const index = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
    expect(index).not.toMatch(/^\s*\/\/\s*-{3}/m);
    expect(readdirSync(new URL('../src', import.meta.url))).toContain('index.ts');
  });
});
