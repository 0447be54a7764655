import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('README "Echo analysis" example', () => {
  // The example is type-checked under the package's strict tsconfig (it lives in test/).
  it('is the file test/analysis/readme-example.ts and prints what the README says', async () => {
    const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(example);
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/analysis/readme-example.ts'], {
      cwd: packageRoot,
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('echo heard: correlation 1.000, round trip 120 ms');
    expect(readme).toContain(stdout.trim());
  });
});
