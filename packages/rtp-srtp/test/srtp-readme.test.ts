import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('README SRTP section', () => {
  it('the runnable example runs and prints what its comments say', async () => {
    const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- srtp -->'), readme.indexOf('<!-- /srtp -->'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    const source = pathToFileURL(resolve(here, '..', 'src', 'index.ts')).href;
    const file = join(mkdtempSync(join(tmpdir(), 'trunkline-readme-')), 'example.ts');
    writeFileSync(file, code!.replace("'@trunkline/rtp-srtp'", JSON.stringify(source)));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(file).href);
      expect(log.mock.calls.map((c) => c[0])).toEqual([true, 'SRTP_REPLAYED']);
    } finally {
      log.mockRestore();
    }
  });
});
