import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPackages, typeCheckReadme } from '@trunkline/test-support';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('README examples compile as a consumer would (strict tsc against the built package)', () => {
  it('every ```ts block type-checks against dist/*.d.ts', () => {
    buildPackages([packageDir]);
    const { blocks, diagnostics } = typeCheckReadme(packageDir);
    expect(blocks).toBeGreaterThan(0);
    expect(diagnostics.map((d) => `README.md:${d.line}: ${d.message}`)).toEqual([]);
  }, 120_000);
});
