import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

describe('the call example of the impairment proxy (tools/impair/README.md)', () => {
  it('is this folder\'s lossy-call.example.ts, and it runs: established through 30 % SIP loss, the jitter heard, the losses counted', async () => {
    const example = readFileSync(new URL('./lossy-call.example.ts', import.meta.url), 'utf8');
    expect(readFileSync(new URL('../../../../tools/impair/README.md', import.meta.url), 'utf8')).toContain(example);
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/faults/lossy-call.example.ts'], {
      cwd: packageDir,
      timeout: 30_000,
    });
    const [first, second] = stdout.trim().split('\n');
    expect(first).toBe('seed 7: the call is established; the caller hears jitter above 10 ms');
    expect(second).toMatch(/^SIP lost on the way \d+ times; RTP to the callee \d+ lost of \d+$/);
  });
});
