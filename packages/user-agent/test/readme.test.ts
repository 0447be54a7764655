import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readmeTypeErrors } from '@trunkline/test-support';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('every ```ts block type-checks against dist/*.d.ts as a consumer would', () => {
    expect(readmeTypeErrors(packageDir)).toEqual([]);
  }, 120_000);

  it('the answer-and-echo example is the file in examples/, and it runs: the call is answered and the tone comes back', async () => {
    const example = readFileSync(new URL('../examples/answer-and-echo.ts', import.meta.url), 'utf8');
    expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(example);
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', 'examples/answer-and-echo.ts'], {
      cwd: packageDir,
      timeout: 30_000,
    });
    expect(stdout.trim().split('\n')).toEqual(['call from sip:trunkline@127.0.0.1 with UUI CASE-20481', 'echo heard: true']);
  });
});
