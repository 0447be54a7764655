import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

// The examples are type-checked as files (tsconfig.json includes examples/); the call example lives with
// the user agent's fault tests, which run it (packages/user-agent/test/faults/readme-example.test.ts).
describe('README', () => {
  it('the lossy-link example is the file in examples/, and it prints what the README says, every time', async () => {
    const example = readFileSync(new URL('../examples/lossy-link.ts', import.meta.url), 'utf8');
    expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(example);
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', 'examples/lossy-link.ts'], { cwd: packageDir, timeout: 30_000 });
    const [first, second] = stdout.trim().split('\n');
    expect(first).toMatch(/^seed 42: 200 in, 20 dropped, 180 forwarded, max delay 2[45] ms$/);
    expect(second).toBe('B heard 180, in order: true');
  });
});
