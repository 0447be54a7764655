import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { readmeTypeErrors } from '@trunkline/test-support';

it('README: every ```ts block type-checks against dist/*.d.ts as a consumer would (strict tsc)', () => {
  expect(readmeTypeErrors(fileURLToPath(new URL('..', import.meta.url)))).toEqual([]);
}, 120_000);
