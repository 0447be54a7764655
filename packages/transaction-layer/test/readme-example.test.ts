import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('README example (RFC 3261 §17 OPTIONS ping on loopback)', () => {
  it('is the file in examples/ and prints "200 OK" when run', async () => {
    const example = readFileSync(new URL('../examples/options-ping.ts', import.meta.url), 'utf8');
    expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(example);
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', 'examples/options-ping.ts'], {
      cwd: root,
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('200 OK');
  });
});
